// Share links: the project (files and param values) in the URL's hash, `#code=<payload>`.
//
// The payload is JSON `{"files": {"main.cvl": "..."}, "params": {"env": "gamma"}}`, then
// - `z.` + base64url of its deflate-raw compression (CompressionStream), or
// - `b.` + base64url of its UTF-8 bytes (browsers without CompressionStream).
// A payload without a prefix is read as base64url of a lone main.cvl (links written by hand).

function toBase64url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/// The hash payload (without `#code=`) of a project.
export async function encodeShare(project) {
  const bytes = new TextEncoder().encode(JSON.stringify(project));
  if (typeof CompressionStream === 'function') {
    try {
      return `z.${toBase64url(await pipe(bytes, new CompressionStream('deflate-raw')))}`;
    } catch {
      // fall through to the plain encoding
    }
  }
  return `b.${toBase64url(bytes)}`;
}

/// The project of a hash payload; throws when it is not one.
export async function decodeShare(payload) {
  const [prefix, rest] = payload.includes('.') ? payload.split('.', 2) : ['', payload];
  let bytes = fromBase64url(rest);
  if (prefix === 'z') bytes = await pipe(bytes, new DecompressionStream('deflate-raw'));
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  if (prefix === '') return { files: { 'main.cvl': text }, params: {} };
  const project = JSON.parse(text);
  if (!project || typeof project.files !== 'object' || Object.values(project.files).some((v) => typeof v !== 'string')) {
    throw new Error('the link does not hold a cvl project');
  }
  return { files: project.files, params: project.params && typeof project.params === 'object' ? project.params : {} };
}

/// `#code=...` of the current location, or null.
export function sharePayload(hash) {
  const m = /^#code=(.+)$/.exec(hash);
  return m ? m[1] : null;
}
