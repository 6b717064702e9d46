//! The page: one self-contained HTML file. Its head says what run it is
//! (test, seed, backend, the replay command, the failure and a link to the
//! linearizability timeline); its body holds the scene as JSON, and
//! `view.js` and `view.css` inline, which draw it as SVG. Nothing is
//! fetched.

use std::fmt::Write as _;

use super::scene::Scene;
use crate::markup::escape;
use crate::runlog::{Header, seconds};

const STYLE: &str = include_str!("view.css");
const SCRIPT: &str = include_str!("view.js");

/// What the page says about the run besides its events.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The command that replays the run, if it can be replayed.
    pub replay: Option<String>,
    /// The linearizability checker's timeline of the run, as a link
    /// relative to the page.
    pub timeline: Option<String>,
    /// What the test said it tests (its `begin`).
    pub description: Option<String>,
}

/// The page of a run.
pub fn render(header: &Header, scene: &Scene, context: &Context) -> String {
    let mut head = String::new();
    let title = escape(&header.test);
    let _ = write!(head, "<h1>{title}</h1>\n<p class=\"run\">");
    if let Some(description) = &context.description {
        let _ = write!(head, "<span>{}</span> · ", escape(description));
    }
    let seed = match header.seed {
        Some(seed) => format!("seed <b id=\"seed\">{seed}</b>"),
        None => "no seed".to_string(),
    };
    let _ = writeln!(
        head,
        "{seed} · backend <b>{}</b> · {} s of run</p>",
        escape(&header.backend),
        seconds(scene.end)
    );
    if let Some(replay) = &context.replay {
        let _ = writeln!(
            head,
            "<p class=\"replay\">replay: <code id=\"replay\">{}</code></p>",
            escape(replay)
        );
    }
    if let Some(link) = &context.timeline {
        let _ = writeln!(
            head,
            "<p>linearizability: <a id=\"timeline\" href=\"{}\">the checker's timeline of this run</a></p>",
            escape(link)
        );
    }
    if let Some(failure) = &scene.failure {
        let _ = writeln!(
            head,
            "<p id=\"failure\" class=\"failure\" title=\"show the moment of failure\">\
             ✖ failed at {} s: <span id=\"failure-message\">{}</span></p>",
            seconds(failure.t),
            escape(&failure.message)
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{title}: lab view</title>\n<style>\n{STYLE}</style></head>\n<body>\n{head}\
         <div class=\"controls\">\
         <button id=\"zoom-in\" title=\"zoom in (+)\">+</button>\
         <button id=\"zoom-out\" title=\"zoom out (-)\">−</button>\
         <button id=\"reset\" title=\"the whole run (0)\">whole run</button>\
         {failure_button}\
         <span id=\"window\"></span> <span id=\"status\"></span></div>\n\
         <div id=\"overview\"></div>\n<div id=\"plot\"></div>\n\
         <div id=\"tip\" hidden></div>\n{LEGEND}\n\
         <script type=\"application/json\" id=\"scene\">{}</script>\n\
         <script>\n{SCRIPT}</script>\n</body></html>\n",
        scene_json(scene),
        failure_button = if scene.failure.is_some() {
            "<button id=\"to-failure\" title=\"the second before the failure (f)\">failure</button>"
        } else {
            ""
        },
    )
}

const LEGEND: &str = "<p class=\"legend\">\
    <span class=\"key follower\"></span>follower \
    <span class=\"key candidate\"></span>candidate \
    <span class=\"key leader\"></span>leader \
    <span class=\"key down\"></span>down \
    <span class=\"key cut\"></span>cut off · \
    <svg width=\"28\" height=\"10\"><line class=\"arrow ok\" x1=\"2\" y1=\"5\" x2=\"26\" y2=\"5\"/></svg>RPC \
    <svg width=\"28\" height=\"10\"><line class=\"arrow lost\" x1=\"2\" y1=\"5\" x2=\"26\" y2=\"5\"/></svg>RPC lost · \
    ▼ commit · ● apply · ■ snapshot · ○ vote (red: refused) · | append (red: refused) · \
    ▲ command started · ◆ other event · \
    wheel or +/− to zoom, drag to pan, hover for details</p>";

/// The scene as JSON that cannot end its script element: `<` only occurs
/// in strings, where `\u003c` stands for it.
fn scene_json(scene: &Scene) -> String {
    let json =
        serde_json::to_string(scene).unwrap_or_else(|e| panic!("a scene always serializes: {e}"));
    json.replace('<', "\\u003c")
}
