//! The `lab` command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use labtool::grade::{self, merge as grade_merge, roster};
use labtool::handout::{Plan, verify};
use labtool::stress::{self, merge, partition::Partition, plan::Limit, plan::parse_duration};

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
    /// List the SOLUTION regions of the student-owned files: where each
    /// is, how long, and what the handout puts in its place.
    Regions,
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
        #[arg(long, value_delimiter = ',', default_value = "2A,3A,4A,4B")]
        parts: Vec<String>,
        /// Cargo's target directory for --verify's build (default: OUT/target).
        #[arg(long)]
        target_dir: Option<PathBuf>,
        /// Wall-clock seconds one test may run under --verify.
        #[arg(long, default_value_t = 120)]
        test_wall_limit: u64,
    },
    /// Run chosen tests on many seeds, each run a process of its own, and
    /// end with a table of the failures and the commands that replay them.
    Stress(StressArgs),
    /// Grade submissions: each one's student-owned files on a pristine
    /// framework, built, every test of the rubric run on the seeds in a
    /// process of its own, scored; reports per submission (JSON, JUnit)
    /// and for the batch (JSON, roster CSV, a table).
    Grade(GradeArgs),
    /// Plant each mutant of labtool/mutants/mutants.toml (a classic bug)
    /// in a copy of the reference, run the part that targets it on the
    /// seeds, and print the kill table: the suite's strength.
    Mutants {
        /// Only mutants whose names hold one of these.
        filters: Vec<String>,
        /// Only the quick subset CI runs; fails unless each dies on every
        /// seed, and each control on none.
        #[arg(long)]
        ci: bool,
        /// Consecutive seeds per mutant, from --first-seed.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
        seeds: u64,
        /// The first seed.
        #[arg(long, default_value_t = 1)]
        first_seed: u64,
        /// Runs at a time [default: one per core].
        #[arg(short = 'j', long, value_parser = clap::value_parser!(u64).range(1..))]
        jobs: Option<u64>,
        /// Wall-clock seconds a run may take before it is killed as a hang.
        #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
        /// Build with optimizations: slower builds, faster runs.
        #[arg(long)]
        release: bool,
        /// Where the mutants' trees and reports go.
        #[arg(long, default_value = "target/mutants")]
        out: PathBuf,
    },
    /// Write one self-contained HTML page of a run log: a lane per peer
    /// with its role and term, RPC arrows, commits and applies, crashes and
    /// partitions, KV operations, and the moment of failure; zoom, pan and
    /// hover for details.
    View {
        /// The run log (JSON lines).
        log: PathBuf,
        /// The page [default: the log's path with the extension .html].
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// Print a run log in the terminal: time on the left, a column for the
    /// harness and the network, then one per peer, topics coloured.
    Logs {
        /// The run log (JSON lines).
        log: PathBuf,
        /// Only these topics (election, replication, snapshot, apply,
        /// persist, kv, net, harness): repeat it, or separate with commas.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Not these topics.
        #[arg(long, value_delimiter = ',')]
        ignore: Vec<String>,
        /// No colours (there are none either when stdout is no terminal,
        /// or NO_COLOR is set).
        #[arg(long)]
        no_color: bool,
        /// The width of a line [default: the terminal's, or COLUMNS, or 160].
        #[arg(long)]
        width: Option<usize>,
    },
    /// Merge the records of the shares of one plan (from `lab stress
    /// --partition k/n --json FILE`, or the grade.json of `lab grade
    /// --partition k/n`) and print the table of them all, as one session
    /// of the whole plan would have.
    Merge {
        /// The records, one per share.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also write the merged record here.
        #[arg(long, value_name = "OUT")]
        json: Option<PathBuf>,
        /// Grade records: also write the batch's roster CSV here.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
}

/// `lab grade`'s options.
#[derive(Args)]
struct GradeArgs {
    /// The submissions: directories (git work trees or not) or git
    /// addresses, cloned first.
    #[arg(required = true)]
    submissions: Vec<String>,
    /// The rubric (TOML): points per part and per test, and the pass rule.
    #[arg(long)]
    rubric: PathBuf,
    /// Consecutive sim seeds per test, from --first-seed [default: 1].
    #[arg(long, conflicts_with = "seed_file", value_parser = clap::value_parser!(u64).range(1..))]
    seeds: Option<u64>,
    /// The first of --seeds.
    #[arg(long, default_value_t = 1, conflicts_with = "seed_file")]
    first_seed: u64,
    /// Take the seeds from this file (separated by spaces, commas or new
    /// lines) and keep them secret: the submissions' own reports name no
    /// seed and no replay command.
    #[arg(long, value_name = "FILE")]
    seed_file: Option<PathBuf>,
    /// Also run every test once in real time (on the first seed).
    #[arg(long)]
    real: bool,
    /// Build the suites with optimizations: slower builds, faster runs.
    #[arg(long)]
    release: bool,
    /// Sim runs at a time [default: one per core]; real runs go one at a
    /// time.
    #[arg(short = 'j', long, value_parser = clap::value_parser!(u64).range(1..))]
    jobs: Option<u64>,
    /// Wall-clock seconds a run may take before it is killed as a hang.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Wall-clock seconds a submission's build may take.
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    build_timeout: u64,
    /// Where the reports go.
    #[arg(long, default_value = "target/grade")]
    out: PathBuf,
    /// Grade only the k-th of n disjoint shares of the submissions (the
    /// sorted names in turn), so that n machines grade the batch and
    /// `lab merge` joins their grade.json files.
    #[arg(long, value_name = "K/N", default_value = "1/1")]
    partition: Partition,
}

/// `lab stress`'s options.
#[derive(Args)]
struct StressArgs {
    /// Only tests whose names hold one of these, as `cargo test` filters.
    filters: Vec<String>,
    /// Only the tests of these parts (e.g. 2A): repeat it, or separate
    /// with commas. Only the suites of their labs are built.
    #[arg(long = "part", value_delimiter = ',')]
    parts: Vec<String>,
    /// Consecutive seeds per test [default: 100].
    #[arg(long, conflicts_with = "duration", value_parser = clap::value_parser!(u64).range(1..))]
    seeds: Option<u64>,
    /// Instead of a number of seeds, go on issuing seeds round the tests
    /// for this long: 90s, 10m, 1h30m.
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// The first seed [default: a fresh one, printed].
    #[arg(long)]
    first_seed: Option<u64>,
    /// Runs at a time [default: one per core, or 1 with --real].
    #[arg(short = 'j', long, value_parser = clap::value_parser!(u64).range(1..))]
    jobs: Option<u64>,
    /// Run on the real clock (LAB_RUNTIME=real) instead of in sim.
    #[arg(long)]
    real: bool,
    /// Wall-clock seconds a run may take before it is killed as a hang.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Run only the k-th of n disjoint shares of the (test, seed) runs,
    /// the same on any machine, so that n machines run the whole plan and
    /// `lab merge` makes one table of their --json records (give each the
    /// same --first-seed). With --duration the tests are shared instead,
    /// the sorted tests in turn.
    #[arg(long, value_name = "K/N", default_value = "1/1")]
    partition: Partition,
    /// Also write the session's results to this file as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Tool::Regions => regions(&cli.root),
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
        Tool::Stress(args) => stress(&cli.root, args),
        Tool::Grade(args) => graded(&cli.root, args),
        Tool::Mutants {
            filters,
            ci,
            seeds,
            first_seed,
            jobs,
            timeout,
            release,
            out,
        } => mutants(
            &cli.root,
            &labtool::mutants::Options {
                filters,
                ci,
                seeds: (0..seeds).map(|i| first_seed.wrapping_add(i)).collect(),
                workers: jobs.unwrap_or_else(cores) as usize,
                timeout: Duration::from_secs(timeout),
                release,
                out,
            },
        ),
        Tool::Merge { files, json, csv } => merged(&files, json.as_deref(), csv.as_deref()),
        Tool::View { log, out } => view(&cli.root, log, out),
        Tool::Logs {
            log,
            only,
            ignore,
            no_color,
            width,
        } => logs(&cli.root, &log, only, ignore, no_color, width),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lab: {message}");
            ExitCode::FAILURE
        }
    }
}

fn regions(root: &std::path::Path) -> Result<(), String> {
    let plan = Plan::new(root).map_err(|e| e.to_string())?;
    for (path, region) in plan.regions() {
        let stub = region
            .stub
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty() && !l.starts_with("//"))
            .unwrap_or("(comment only)");
        let stub = if region.stub.is_empty() {
            "(nothing)"
        } else {
            stub
        };
        println!(
            "{}:{}  {} lines -> {}",
            path.display(),
            region.source_line + 1,
            region.reference.len(),
            stub
        );
    }
    Ok(())
}

fn stress(root: &std::path::Path, args: StressArgs) -> Result<(), String> {
    let limit = match args.duration {
        Some(duration) => Limit::Duration(duration),
        None => Limit::Seeds(args.seeds.unwrap_or(100)),
    };
    let workers = args.jobs.unwrap_or(if args.real { 1 } else { cores() });
    let options = stress::Options {
        filters: args.filters,
        parts: args.parts,
        limit,
        first_seed: args.first_seed.unwrap_or_else(fresh_seed),
        workers: workers as usize,
        real: args.real,
        timeout: Duration::from_secs(args.timeout),
        partition: args.partition,
        json: args.json,
    };
    let stressed = stress::stress(root, &options).map_err(|e| e.to_string())?;
    if stressed.failures > 0 {
        return Err(format!(
            "{} of {} runs failed or hung",
            stressed.failures, stressed.runs
        ));
    }
    Ok(())
}

fn graded(root: &std::path::Path, args: GradeArgs) -> Result<(), String> {
    let rubric = std::fs::read_to_string(&args.rubric)
        .map_err(|e| format!("cannot read the rubric {}: {e}", args.rubric.display()))?;
    let (seeds, secret_seeds) = match &args.seed_file {
        Some(path) => (read_seeds(path)?, true),
        None => {
            let count = args.seeds.unwrap_or(1);
            let seeds = (0..count).map(|i| args.first_seed.wrapping_add(i));
            (seeds.collect(), false)
        }
    };
    let options = grade::Options {
        submissions: args.submissions,
        rubric,
        seeds,
        secret_seeds,
        real: args.real,
        check_determinism: true,
        release: args.release,
        workers: args.jobs.unwrap_or_else(cores) as usize,
        timeout: Duration::from_secs(args.timeout),
        build_timeout: Duration::from_secs(args.build_timeout),
        out: args.out,
        partition: args.partition,
    };
    grade::grade(root, &options).map_err(|e| e.to_string())?;
    Ok(())
}

/// The seeds of a seed file: unsigned numbers separated by white space or
/// commas.
fn read_seeds(path: &std::path::Path) -> Result<Vec<u64>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the seeds {}: {e}", path.display()))?;
    let seeds = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .map(|word| {
            word.parse::<u64>()
                .map_err(|_| format!("{}: {word:?} is not a seed", path.display()))
        })
        .collect::<Result<Vec<u64>, String>>()?;
    if seeds.is_empty() {
        return Err(format!("{} holds no seed", path.display()));
    }
    let mut sorted = seeds.clone();
    sorted.sort_unstable();
    if let Some(pair) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("{} gives seed {} twice", path.display(), pair[0]));
    }
    Ok(seeds)
}

fn merged(
    files: &[PathBuf],
    json: Option<&std::path::Path>,
    csv: Option<&std::path::Path>,
) -> Result<(), String> {
    let first = files.first().ok_or("no record to merge")?;
    if grade_merge::is_grade_record(first).map_err(|e| e.to_string())? {
        return merged_grades(files, json, csv);
    }
    if csv.is_some() {
        return Err("--csv is for grade records; these are stress records".to_string());
    }
    let records = files
        .iter()
        .map(|path| Ok((path.clone(), merge::read(path)?)))
        .collect::<Result<Vec<_>, merge::MergeError>>()
        .map_err(|e| e.to_string())?;
    let record = merge::merge(&records).map_err(|e| e.to_string())?;
    if let Some(path) = json {
        std::fs::write(path, record.to_json())
            .map_err(|e| format!("cannot write the record to {}: {e}", path.display()))?;
    }
    let (text, runs, failures) = merge::report(&record);
    print!("{text}");
    let files = match files.len() {
        1 => "1 file".to_string(),
        n => format!("{n} files"),
    };
    println!("\nlab merge: {runs} runs from {files}, {failures} failed");
    if failures > 0 {
        return Err(format!("{failures} of {runs} runs failed or hung"));
    }
    Ok(())
}

fn merged_grades(
    files: &[PathBuf],
    json: Option<&std::path::Path>,
    csv: Option<&std::path::Path>,
) -> Result<(), String> {
    let records = files
        .iter()
        .map(|path| Ok((path.clone(), grade_merge::read(path)?)))
        .collect::<Result<Vec<_>, labtool::stress::merge::MergeError>>()
        .map_err(|e| e.to_string())?;
    let record = grade_merge::merge(&records).map_err(|e| e.to_string())?;
    let write = |path: &std::path::Path, text: String| {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    if let Some(path) = json {
        write(path, record.to_json())?;
    }
    if let Some(path) = csv {
        write(path, roster::csv(&record))?;
    }
    print!("{}", roster::table(&record));
    println!(
        "\nlab merge: {} submissions from {} files",
        record.submissions.len(),
        files.len()
    );
    Ok(())
}

fn mutants(root: &std::path::Path, options: &labtool::mutants::Options) -> Result<(), String> {
    let verdicts = labtool::mutants::run(root, options).map_err(|e| e.to_string())?;
    if options.ci {
        let (controls, mutants): (Vec<_>, Vec<_>) = verdicts
            .iter()
            .filter(|v| !v.as_expected())
            .partition(|v| v.control);
        let names = |verdicts: Vec<&labtool::mutants::Verdict>| {
            verdicts
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !mutants.is_empty() {
            return Err(format!(
                "the suite no longer kills on every seed: {}",
                names(mutants)
            ));
        }
        if !controls.is_empty() {
            return Err(format!(
                "the suite fails a correct variant, demanding more than the course: {}",
                names(controls)
            ));
        }
    }
    Ok(())
}

fn view(root: &std::path::Path, log: PathBuf, out: Option<PathBuf>) -> Result<(), String> {
    let options = labtool::view::Options {
        log,
        out,
        root: root.to_path_buf(),
    };
    let viewed = labtool::view::view(&options).map_err(|e| e.to_string())?;
    println!(
        "lab view: wrote {} ({} events{})",
        viewed.out.display(),
        viewed.events,
        if viewed.failure.is_some() {
            ", failed"
        } else {
            ""
        }
    );
    if let Some(timeline) = viewed.timeline {
        println!("lab view: it links the linearizability timeline {timeline}");
    }
    Ok(())
}

fn logs(
    root: &std::path::Path,
    path: &std::path::Path,
    only: Vec<String>,
    ignore: Vec<String>,
    no_color: bool,
    width: Option<usize>,
) -> Result<(), String> {
    use std::io::{IsTerminal, Write};
    let log = labtool::runlog::read(path).map_err(|e| e.to_string())?;
    let terminal = std::io::stdout().is_terminal();
    let columns = || {
        console::Term::stdout()
            .size_checked()
            .map(|(_, c)| usize::from(c))
    };
    let width = width
        .or_else(|| terminal.then(columns).flatten())
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(labtool::logs::DEFAULT_WIDTH);
    let options = labtool::logs::Options {
        only,
        ignore,
        color: !no_color && terminal && std::env::var_os("NO_COLOR").is_none(),
        width,
    };
    labtool::logs::check_topics(&log, &options)?;
    let replay = labtool::view::links::replay(&log.header, root);
    let text = labtool::logs::render(&log, replay.as_deref(), &options);
    // A closed pipe (`lab logs … | head`) ends the output, not in an error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(())
}

/// The number of cores.
fn cores() -> u64 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u64)
}

/// A seed no earlier session is likely to have used.
fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
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
    if regions == 0 {
        // A handout's own `make test` comes here: the student's code is no
        // reference whose stubs could be checked.
        println!("lab: the student-owned files hold no SOLUTION regions: no stubs to verify");
        return Ok(());
    }
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
