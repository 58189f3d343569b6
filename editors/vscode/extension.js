// The cvl extension: the TextMate grammar does the colours, `cvl lsp` does the rest
// (diagnostics, hover, completion, go to definition, references, rename, formatting, symbols,
// semantic tokens, inlay hints, signature help, quick fixes).
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

async function activate(context) {
  const config = vscode.workspace.getConfiguration("cvl");
  const command = config.get("path") || "cvl";
  const serverOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "cvl" }],
    initializationOptions: {
      params: config.get("params") || {},
      staticOnly: config.get("staticOnly") || false,
    },
  };
  client = new LanguageClient("cvl", "cvl", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("cvl.restartServer", () => client && client.restart()),
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
