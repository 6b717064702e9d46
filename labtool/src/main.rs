//! The `lab` command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use labtool::handout::{Plan, verify};

/// The labs' tools.
#[derive(Parser)]
#[command(name = "lab", version, about)]
struct Cli {
    /// The repository's root.
    #[arg(long, default_value = ".", global = true)]
    root: PathBuf,
    #[command(subcommand)]
    command: Tool,
}

#[derive(Subcommand)]
enum Tool {
    /// Write the student's repository: the reference with every SOLUTION
    /// region of the student-owned files replaced by its stub.
    Handout {
        /// A new or empty directory.
        out: PathBuf,
        /// Then build it and check that every test of the parts fails in
        /// time, naming the stubs it reached.
        #[arg(long)]
        verify: bool,
        /// The parts whose tests --verify runs.
        #[arg(long, value_delimiter = ',', default_value = "2A,3A")]
        parts: Vec<String>,
        /// Cargo's target directory for --verify's build (default: OUT/target).
        #[arg(long)]
        target_dir: Option<PathBuf>,
        /// Wall-clock seconds one test may run under --verify.
        #[arg(long, default_value_t = 120)]
        test_wall_limit: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Tool::Handout {
            out,
            verify,
            parts,
            target_dir,
            test_wall_limit,
        } => handout(
            &cli.root,
            out,
            verify.then(|| verify::Options {
                parts,
                target_dir: target_dir.unwrap_or_else(|| PathBuf::from("target")),
                test_wall_limit: Duration::from_secs(test_wall_limit),
            }),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lab: {message}");
            ExitCode::FAILURE
        }
    }
}

fn handout(
    root: &std::path::Path,
    out: PathBuf,
    verify: Option<verify::Options>,
) -> Result<(), String> {
    let plan = Plan::new(root).map_err(|e| e.to_string())?;
    plan.write(&out).map_err(|e| e.to_string())?;
    let regions = plan.regions().count();
    println!(
        "lab: wrote the handout to {}: {} files, {} of them student-owned with {regions} regions stubbed, {} left out",
        out.display(),
        plan.verbatim.len() + plan.stripped.len(),
        plan.stripped.len(),
        plan.omitted.len()
    );
    let Some(mut options) = verify else {
        return Ok(());
    };
    if options.target_dir.is_relative() {
        options.target_dir =
            std::path::absolute(out.join(&options.target_dir)).map_err(|e| e.to_string())?;
    }
    println!(
        "lab: building the handout and running parts {}",
        options.parts.join(", ")
    );
    let verified = verify::verify(&out, &plan.manifest, &options).map_err(|e| e.to_string())?;
    let wrong: Vec<_> = verified
        .tests
        .iter()
        .filter(|t| !t.outcome.is_expected())
        .collect();
    let slowest = verified
        .tests
        .iter()
        .map(|t| t.wall)
        .max()
        .unwrap_or_default();
    println!(
        "lab: handout built in {:.1}s; {} tests, {} failed as they must (slowest {:.1}s wall)",
        verified.build.as_secs_f64(),
        verified.tests.len(),
        verified.tests.len() - wrong.len(),
        slowest.as_secs_f64()
    );
    if wrong.is_empty() {
        Ok(())
    } else {
        let list: Vec<String> = wrong.iter().map(|t| t.to_string()).collect();
        Err(format!(
            "{} handout tests did not fail as they must:\n{}",
            wrong.len(),
            list.join("\n")
        ))
    }
}
