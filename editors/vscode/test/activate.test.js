// activate() with a stub `vscode` module and a recording LanguageClient: the client it starts
// runs `<cvl.path> lsp` on stdio for cvl files with the settings as initialization options,
// and that command, spawned here, really answers `initialize` as the cvl language server.
//
// CVL_BIN: the cvl executable (default ../../target/debug/cvl).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const cvlBin = path.resolve(process.env.CVL_BIN || path.join(root, "../../target/debug/cvl"));

/** Loads extension.js with `vscode` and `vscode-languageclient/node` replaced by stubs. */
function loadExtension(settings) {
  const clients = [];
  const commands = {};
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, started: false, stopped: false });
      clients.push(this);
    }
    async start() {
      this.started = true;
    }
    async stop() {
      this.stopped = true;
    }
  }
  const stubs = {
    vscode: {
      workspace: { getConfiguration: (section) => ({ get: (key) => (section === "cvl" ? settings[key] : undefined) }) },
      commands: { registerCommand: (name, fn) => ((commands[name] = fn), { dispose() {} }) },
    },
    "vscode-languageclient/node": { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } },
  };
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request in stubs ? stubs[request] : load.call(this, request, ...rest);
  };
  try {
    const file = path.join(root, "extension.js");
    delete require.cache[file];
    return { extension: require(file), clients, commands };
  } finally {
    Module._load = load;
  }
}

test("package.json: cvl files, the grammar, the language configuration, the bundle as main", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  assert.equal(manifest.main, "./dist/extension.js");
  assert.deepEqual(manifest.contributes.languages[0].extensions, [".cvl"]);
  const grammar = manifest.contributes.grammars[0];
  assert.equal(grammar.scopeName, JSON.parse(fs.readFileSync(path.join(root, grammar.path), "utf8")).scopeName);
  JSON.parse(fs.readFileSync(path.join(root, manifest.contributes.languages[0].configuration), "utf8"));
  assert.deepEqual(Object.keys(manifest.contributes.configuration.properties).sort(), ["cvl.params", "cvl.path", "cvl.staticOnly"]);
});

test("activate() starts a language client running `cvl lsp` with the settings", async () => {
  const { extension, clients, commands } = loadExtension({ path: "/opt/cvl/bin/cvl", params: { env: "prod" }, staticOnly: true });
  const subscriptions = [];
  await extension.activate({ subscriptions });
  assert.equal(clients.length, 1);
  const client = clients[0];
  assert.equal(client.id, "cvl");
  assert.ok(client.started, "the client is started");
  assert.deepEqual(client.serverOptions.run, { command: "/opt/cvl/bin/cvl", args: ["lsp"], transport: 0 });
  assert.deepEqual(client.clientOptions.documentSelector, [{ scheme: "file", language: "cvl" }]);
  assert.deepEqual(client.clientOptions.initializationOptions, { params: { env: "prod" }, staticOnly: true });
  assert.equal(subscriptions.length, 1, "the restart command is registered");
  assert.ok(commands["cvl.restartServer"]);
  await extension.deactivate();
  assert.ok(client.stopped, "deactivate stops the client");
});

test("the defaults: `cvl` on the PATH, no params, evaluation on", async () => {
  const { extension, clients } = loadExtension({});
  await extension.activate({ subscriptions: [] });
  assert.equal(clients[0].serverOptions.run.command, "cvl");
  assert.deepEqual(clients[0].clientOptions.initializationOptions, { params: {}, staticOnly: false });
});

test("the command the client runs answers initialize as the cvl language server", async () => {
  assert.ok(fs.existsSync(cvlBin), `${cvlBin} (build it, or set CVL_BIN)`);
  const { extension, clients } = loadExtension({ path: cvlBin });
  await extension.activate({ subscriptions: [] });
  const { command, args } = clients[0].serverOptions.run;
  const server = spawn(command, args, { stdio: ["pipe", "pipe", "ignore"] });
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {}, initializationOptions: clients[0].clientOptions.initializationOptions } });
  server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  const answer = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no answer: ${out}`)), 20000);
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const at = out.indexOf("\r\n\r\n");
      const length = Number(/Content-Length: (\d+)/.exec(out)?.[1]);
      if (at >= 0 && Buffer.byteLength(out.slice(at + 4)) >= length) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(at + 4)));
      }
    });
  });
  server.stdin.end();
  server.kill();
  assert.equal(answer.id, 1);
  assert.equal(answer.result.serverInfo.name, "cvl");
  assert.ok(answer.result.capabilities.codeActionProvider, "quick fixes");
});
