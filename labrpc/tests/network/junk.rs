//! The course's junk service: one handler per kind of argument and reply.

use std::sync::Arc;

use labrpc::{Server, Service};
use labrt::sync::Mutex;
use labrt::time::{self, Duration};
use serde::{Deserialize, Serialize};

/// A struct argument, for the two handlers that share it.
#[derive(Serialize, Deserialize)]
pub struct JunkArgs {
    pub x: i64,
}

/// What the handlers record.
#[derive(Default)]
pub struct Logs {
    /// Arguments of Handler1.
    pub log1: Vec<String>,
    /// Arguments of Handler2.
    pub log2: Vec<i64>,
}

/// The junk service's state: the logs, behind the lock Handler3 holds.
#[derive(Default)]
pub struct JunkServer {
    pub mu: Mutex<Logs>,
}

impl JunkServer {
    /// A junk server and a `Server` hosting it as "JunkServer".
    pub fn start() -> (Arc<JunkServer>, Server) {
        let js = Arc::new(JunkServer::default());
        let service = Service::new("JunkServer")
            .method("Handler1", {
                let js = js.clone();
                move |args: String| {
                    js.mu.lock().log1.push(args.clone());
                    args.parse::<i64>().unwrap_or(0)
                }
            })
            .method("Handler2", {
                let js = js.clone();
                move |args: i64| {
                    js.mu.lock().log2.push(args);
                    format!("handler2-{args}")
                }
            })
            .method("Handler3", {
                let js = js.clone();
                move |args: i64| {
                    let _held = js.mu.lock();
                    time::sleep(Duration::from_secs(20));
                    -args
                }
            })
            .method("Handler4", |_: JunkArgs| "pointer".to_string())
            .method("Handler5", |_: JunkArgs| "no pointer".to_string())
            .method("Handler6", |args: String| args.len() as i64)
            .method("Handler7", |args: i64| "y".repeat(args as usize));
        let server = Server::builder().service(service).build().unwrap();
        (js, server)
    }
}
