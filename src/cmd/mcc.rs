//! `sesphr mcc MODEL_DIR --examination E`: answer one of the Model Checking
//! Contest's examinations in the contest's own output format, or as JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use serde_json::{Value as Json, json};
use sesphr_engine::load::LoadedNet;
use sesphr_engine::mcc::formula::name_position;
use sesphr_engine::mcc::{
    Answer, AnswerKind, Examination, MccError, Requested, Value, examine, read_property_file,
};

use super::limits::SearchLimits;

/// Arguments of `sesphr mcc`.
#[derive(Args, Debug)]
pub struct MccArgs {
    /// The model directory, as the contest lays it out: `model.pnml` and
    /// one property file per examination (`ReachabilityCardinality.xml`, ...).
    /// Optional with --net: the property file is then read from the net
    /// file's directory.
    #[arg(required_unless_present = "net")]
    pub model_dir: Option<PathBuf>,
    /// The examination: StateSpace, ReachabilityDeadlock, OneSafe,
    /// ReachabilityCardinality, ReachabilityFireability, UpperBounds,
    /// CTLCardinality, CTLFireability, LTLCardinality, LTLFireability; the
    /// contest's QuasiLiveness, StableMarking and Liveness are answered
    /// DO_NOT_COMPETE (exit 3).
    #[arg(long, value_parser = str::parse::<Requested>)]
    pub examination: Requested,
    /// The net file [default: MODEL_DIR/model.pnml].
    #[arg(long, value_name = "FILE")]
    pub net: Option<PathBuf>,
    /// Print one JSON object (the answers as JSON values, or the `error`)
    /// instead of the contest's lines (schema: docs/schema/mcc.schema.json).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub limits: SearchLimits,
}

impl MccArgs {
    /// The model directory: MODEL_DIR, or else the directory of `--net`.
    fn model_dir(&self) -> PathBuf {
        match (&self.model_dir, &self.net) {
            (Some(dir), _) => dir.clone(),
            (None, net) => (net.as_deref().and_then(Path::parent))
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        }
    }
}

/// The exit codes of `sesphr mcc`, for `--help`.
pub const EXIT_CODES: &str = "Exit codes: 0 every formula answered, 2 bad input or usage, \
3 some answer is CANNOT_COMPUTE (a limit stopped the run, or the formula is not evaluated; \
the reason on standard error), or DO_NOT_COMPETE (an examination not answered).";

/// Runs `sesphr mcc`: 0 when every formula is answered, 3 when some are
/// CANNOT_COMPUTE, 2 on bad input.
pub fn run(args: &MccArgs) -> ExitCode {
    let net_path = args
        .net
        .clone()
        .unwrap_or_else(|| args.model_dir().join("model.pnml"));
    let Requested::Answered(examination) = args.examination else {
        return do_not_compete(args, &net_path);
    };
    let answers = match answer(args, examination, &net_path) {
        Ok(answers) => answers,
        Err(error) => {
            crate::output::report_error(&error);
            if args.json {
                let mut value = head(args, &net_path);
                value["error"] = json!(crate::output::render_error(&error));
                super::print_json(&value);
            }
            return super::exit_bad_input();
        }
    };
    if args.json {
        let mut value = head(args, &net_path);
        value["answers"] = answers.iter().map(answer_json).collect();
        super::print_json(&value);
    } else {
        for answer in &answers {
            outln!("{answer}");
        }
    }
    for answer in &answers {
        if let Some(reason) = answer.reason {
            crate::output::write_err(format_args!(
                "note: {}: {} CANNOT_COMPUTE: {reason}\n",
                net_path.display(),
                answer.id
            ));
        }
    }
    if answers.iter().any(|a| a.value == Value::CannotCompute) {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

/// Answers an examination that is not answered: `DO_NOT_COMPETE`, as the
/// contest's harness expects, and exit 3 (nothing is answered).
fn do_not_compete(args: &MccArgs, net_path: &Path) -> ExitCode {
    if args.json {
        let mut value = head(args, net_path);
        value["answers"] = json!([]);
        value["do_not_compete"] = json!(true);
        super::print_json(&value);
    } else {
        outln!("DO_NOT_COMPETE");
    }
    ExitCode::from(3)
}

/// Loads the net and `examination`'s formulas and answers them.
fn answer(args: &MccArgs, examination: Examination, net_path: &Path) -> Result<Vec<Answer>> {
    let net = crate::host::load(&crate::NetArgs {
        net: net_path.to_path_buf(),
        params: Vec::new(),
    })?;
    let property_file = args.model_dir().join(format!("{}.xml", examination.name()));
    let properties = if examination.has_property_file() {
        read_property_file(&property_file)?
    } else {
        Vec::new()
    };
    let options = args.limits.explore_options();
    let pool = args.limits.thread_pool()?;
    pool.install(|| examine(&net, examination, &properties, &options))
        .map_err(|e| located(e, &property_file, &net, net_path))
}

/// `error`, located in the property file where it is about a name one of
/// its formulas gives, else in the net (`net`, read from `net_path`).
fn located(
    error: MccError,
    property_file: &Path,
    net: &LoadedNet,
    net_path: &Path,
) -> anyhow::Error {
    if let MccError::UnknownName {
        property,
        kind,
        name,
    } = &error
    {
        let at = std::fs::read_to_string(property_file)
            .ok()
            .and_then(|text| name_position(&text, property, kind, name));
        return crate::host::located(error, at, property_file);
    }
    let at = (error.evaluation()).and_then(|eval| net.position_of_failure(eval));
    crate::host::located(error, at, net_path)
}

/// The fields every JSON answer starts with.
fn head(args: &MccArgs, net_path: &std::path::Path) -> Json {
    json!({
        "model_dir": args.model_dir().display().to_string(),
        "net": net_path.display().to_string(),
        "examination": args.examination.name(),
    })
}

/// One answer: `{"kind", "id", "value"}` (and `seconds` for a CTL or LTL
/// formula decided on the graph), the value `true`, `false`, a
/// number, or `null` for CANNOT_COMPUTE, then with its `reason`.
fn answer_json(answer: &Answer) -> Json {
    let kind = match answer.kind {
        AnswerKind::Formula => "formula",
        AnswerKind::StateSpace => "state-space",
    };
    let value = match answer.value {
        Value::True => json!(true),
        Value::False => json!(false),
        Value::Number(n) => json!(n),
        Value::CannotCompute => Json::Null,
    };
    let mut object = json!({ "kind": kind, "id": answer.id, "value": value });
    if let Some(seconds) = answer.seconds {
        object["seconds"] = json!(seconds);
    }
    if let Some(reason) = answer.reason {
        object["reason"] = json!(reason);
    }
    object
}
