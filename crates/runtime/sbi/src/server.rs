//! Running routers: HTTP/2 with prior knowledge (h2c) and HTTP/1.1 on one TCP listener.

use std::io;
use std::net::SocketAddr;

use axum::Router;
use axum::http::{Method, Uri};
use ferrocore_sbi::{SbiError, cause};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::problem::Problem;

/// Adds the `application/problem+json` answers for what no route serves: 404
/// `RESOURCE_URI_STRUCTURE_NOT_FOUND` for an unknown URI, 405 for a known URI with
/// another method (TS 29.500 §5.2.7.2). Apply once, after merging the services'
/// routers; [`serve`] and [`spawn`] do it for you.
pub fn problem_fallbacks(router: Router) -> Router {
    router
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
}

async fn not_found(uri: Uri) -> Problem {
    SbiError::resource_uri_structure_not_found(uri.path()).into()
}

async fn method_not_allowed(method: Method, uri: Uri) -> Problem {
    SbiError::new(
        405,
        cause::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
    .into()
}

/// Serves `router` on `addr` until the task is dropped or fails. The connection speaks
/// HTTP/2 when the client opens with the HTTP/2 preface (prior knowledge, h2c) and
/// HTTP/1.1 otherwise.
pub async fn serve(addr: SocketAddr, router: Router) -> io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    axum::serve(listener, problem_fallbacks(router)).await
}

/// A server started with [`spawn`].
pub struct RunningServer {
    local_addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl RunningServer {
    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://<addr>`, the `apiRoot` of the served APIs.
    pub fn api_root(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Stops accepting, lets open requests finish, and waits.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task)
            .await
            .unwrap_or_else(|e| Err(io::Error::other(e)))
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `addr` (port 0 for an ephemeral port) and serves `router` in a background task.
pub async fn spawn(addr: SocketAddr, router: Router) -> io::Result<RunningServer> {
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let app = problem_fallbacks(router);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    tracing::debug!(%local_addr, "SBI server listening (h2c and HTTP/1.1)");
    Ok(RunningServer {
        local_addr,
        shutdown: Some(tx),
        task,
    })
}
