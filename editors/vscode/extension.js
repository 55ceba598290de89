// Starts `zeren lsp` for .zr files. Highlighting comes from the TextMate
// grammar alone and works without the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("zeren");
  const command = config.get("server.path") || "zeren";
  const serverOptions = {
    run: { command, args: ["lsp"] },
    debug: { command, args: ["lsp"] },
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "zeren" },
      { scheme: "untitled", language: "zeren" },
    ],
    initializationOptions: { policy: config.get("policy") || "folder" },
    // The org JSON and the other .zr files of a folder are read from disk:
    // tell the server when they change.
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{zr,json}"),
    },
  };
  client = new LanguageClient("zeren", "zeren", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `zeren: cannot start \`${command} lsp\` (${err.message}). ` +
        "Install zeren (cargo install --path . from its repository) or set zeren.server.path."
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
