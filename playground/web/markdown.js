// The little Markdown the compiler's hover and completion docs use, as DOM nodes (never HTML
// strings): fenced code blocks, paragraphs, `- ` list items, `code`, *emphasis* and **strong**.

function inline(text) {
  const frag = document.createDocumentFragment();
  // `code`, **strong**, *emphasis*; everything else is text
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) frag.append(text.slice(at, m.index));
    const [tag, inner] = m[1] !== undefined ? ['code', m[1]] : m[2] !== undefined ? ['strong', m[2]] : ['em', m[3]];
    const e = document.createElement(tag);
    e.textContent = inner;
    frag.append(e);
    at = m.index + m[0].length;
  }
  if (at < text.length) frag.append(text.slice(at));
  return frag;
}

/// A block element holding `markdown` rendered.
export function renderMarkdown(markdown, className = 'cm-hover-doc') {
  const root = document.createElement('div');
  root.className = className;
  const lines = markdown.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith('```')) {
      const code = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
      i++;
      const pre = document.createElement('pre');
      pre.className = 'doc-code';
      pre.textContent = code.join('\n');
      root.append(pre);
    } else if (line.trim() === '') {
      i++;
    } else if (/^\s*- /.test(line)) {
      const ul = document.createElement('ul');
      for (; i < lines.length && /^\s*- /.test(lines[i]); i++) {
        const li = document.createElement('li');
        li.append(inline(lines[i].replace(/^\s*- /, '')));
        ul.append(li);
      }
      root.append(ul);
    } else {
      const para = [];
      for (; i < lines.length && lines[i].trim() !== '' && !lines[i].startsWith('```') && !/^\s*- /.test(lines[i]); i++) para.push(lines[i]);
      const p = document.createElement('p');
      p.append(inline(para.join(' ')));
      root.append(p);
    }
  }
  return root;
}
