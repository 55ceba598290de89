//! A language server for zeren policies (`zeren lsp`), over stdio.
//!
//! What it does for an editor:
//!
//! - **diagnostics** on open and on every change: every error and warning
//!   `zeren check` reports, at its place, with its help and its related
//!   places ("first declared here");
//! - **hover** on a name: what it is — a duty with its rank, a position,
//!   a unit with its kind and parent, a fact with its type and values, an
//!   action with the obligations that require it; on a citation, what
//!   cites that article;
//! - **go to definition** and **find references** for every declared name;
//! - **completion** of declared names and keywords where they may stand;
//! - **document symbols**: the declarations, assign blocks, trigger lists
//!   and obligations of a file as an outline.
//!
//! **Which files make a policy.** A document is checked with the other
//! `.zr` files and the org JSON (`.json` files with `units`, `holdings`,
//! `covers`, `matters` or `routes`) of its folder, open or on disk, as
//! `zeren check` would check them together. When two or more files of the
//! folder have a `policy` header, each `.zr` file is a policy of its own
//! (a folder of separate policies, like `examples/policies/`). The
//! initialization option `{"policy": "file"}` makes every file a policy of
//! its own. Documents that are not files (`untitled:`) stand alone.
//!
//! **Positions** use the encoding the client prefers among UTF-8, UTF-16
//! and UTF-32 (`general.positionEncodings`), UTF-16 when it names none.
//! Positions out of range are clamped to the document.
//!
//! **Speed.** Each change re-checks the changed document's policy: one
//! parse and check of its files through the library, and one parse of the
//! changed file for the index (files that did not change keep theirs).
//! Changes that arrive together are checked once.
//!
//! The name index is built from syntax trees, not from the checked policy,
//! so it works while the policy has errors; see `index.rs` for where it
//! is approximate. A file with a syntax error is indexed without the
//! declarations that hold errors.

mod complete;
mod index;
mod json;
mod outline;
mod parse;
mod position;
mod server;

pub use position::Encoding;
pub use server::Server;

use lsp_server::Connection;

/// Why the server stopped abnormally.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves one client over a connection until it sends `exit` or closes it.
/// Returns the exit code: 0 when the client asked for `shutdown` before
/// `exit`, else 1.
pub fn serve(connection: &Connection) -> Result<i32, Error> {
    let mut server = Server::new();
    while let Ok(first) = connection.receiver.recv() {
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            for out in server.handle(msg) {
                connection.sender.send(out)?;
            }
            if let Some(code) = server.exit_code() {
                return Ok(code);
            }
            // Messages already waiting are handled before checking, so a
            // burst of changes is checked once.
            next = connection.receiver.try_recv().ok();
        }
        for out in server.flush() {
            connection.sender.send(out)?;
        }
    }
    Ok(if server.exit_code() == Some(0) { 0 } else { 1 })
}

/// Runs the server over stdin and stdout (`zeren lsp`).
pub fn run_stdio() -> Result<i32, Error> {
    let (connection, threads) = Connection::stdio();
    let code = serve(&connection)?;
    drop(connection);
    threads.join()?;
    Ok(code)
}
