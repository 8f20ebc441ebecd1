//! The `da-emulator` command line.

use std::time::Duration;

use crate::cloud::Cloud;
use crate::config::{Config, RateLimit, ARM_DELETE_BUCKET, MAX_GDAP_PAGE_SIZE};

pub const USAGE: &str = "\
da-emulator: a loopback emulator of the Microsoft identity platform, Partner Center, the delegated
admin customers API, CloudCockpit, ARM Lighthouse and Microsoft Graph's GDAP API, all on one port.

Usage: da-emulator [OPTIONS]

Options (defaults in brackets):
  --host <ADDR>             interface to bind [127.0.0.1]
  --port <PORT>             port to bind, 0 = any free port [0]
  --customers <N>           delegated admin customers to seed [50]
  --inactive-dap <N>        how many of them have an inactive DAP relationship [30% of customers]
  --seed <N>                seed of ids, names, dates and failure draws [1]
  --latency-ms <MS>         delay added to every service request [0]
  --rate-limit <N>          service requests admitted per second over all services, 0 = unlimited [0]
  --rate-limit-partner-center <N[/S]>  Partner Center's own limit: N requests per S seconds [S=1; off]
  --rate-limit-customers-api <N[/S]>   the delegated admin customers API's own limit [off]
  --rate-limit-cloudcockpit <N[/S]>    CloudCockpit's own limit [off]
  --rate-limit-arm <N[/S]>             ARM's own limit [off]
  --rate-limit-graph <N[/S]>           Microsoft Graph's own limit [off]
  --fail-rate <F>           fraction of service requests answered 503 [0.0]
  --lro-polls <N>           polls a Lighthouse delete stays running [2]
  --lro-retry-after <S>     Retry-After of the Lighthouse delete's and GDAP operations' 202s [0]
  --token-lifetime <S>      access token lifetime in seconds [3600]
  --device-interval <S>     device code polling interval in seconds [1]
  --arm-page-size <N>       registration assignments per ARM page, 0 = one page [2]
  --subscriptions <N>       Lighthouse-delegated subscriptions [3]
  --assignments-per-subscription <N>  registration assignments per subscription, the last at its
                            resource group [4]
  --arm-delete-bucket <N|on|off>  ARM's delete token bucket per subscription and principal: N tokens,
                            on = 200 (what ARM documents), 0 or off = no bucket [off]
  --arm-delete-refill-per-second <N>  tokens back per second, at least 1 (ARM documents 10) [10]
  --arm-check-delete-permission  refuse (403) deleting an assignment another tenant manages or
                            whose definition lacks the delete role
  --gdap-relationships <N>  Graph GDAP relationships to seed [one per customer]
  --gdap-page-size <N>      GDAP list items per page without $top, 1..300 [100]
  --gdap-lro-polls <N>      polls a GDAP Global Administrator removal stays running [2]
  --gdap-terminate-polls <N>  reads a GDAP termination stays requested [2]
  --client-id <ID>          the client id the identity platform accepts
  --client-secret <SECRET>  the client secret the identity platform accepts
  --tenant-id <GUID>        the partner tenant id
  --tenant-domain <DOMAIN>  the CloudCockpit X-Tenant value [portal.cloudcockpit.com]
  --cloud <CLOUD>           public, usGovernment or china: token audiences, services, issuer [public]
  --identity-header <VALUE> the X-IDENTITY-HEADER the managed identity endpoint wants [emulator-identity-header]
  --msi-secret <VALUE>      the Secret its api-version 2017-09-01 wants [emulator-msi-secret]
  --client-certificate <FILE>  a PEM certificate whose key may sign client assertions (repeatable)
  --auth-code-lifetime <S>  authorization code lifetime in seconds [600]
  --exit-on-stdin-eof       exit when standard input reaches end of file
  -h, --help                print this help

On start, prints exactly one line to stdout: `listening on http://HOST:PORT`.
Exits on SIGINT, SIGTERM (and stdin EOF with --exit-on-stdin-eof).
";

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Help,
    Run(Box<CliOptions>),
}

#[derive(Debug)]
pub struct CliOptions {
    pub config: Config,
    pub exit_on_stdin_eof: bool,
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: '{value}' is not a valid number"))
}

/// The options that take a value.
const VALUE_FLAGS: [&str; 22] = [
    "--host",
    "--port",
    "--customers",
    "--inactive-dap",
    "--seed",
    "--latency-ms",
    "--rate-limit",
    "--fail-rate",
    "--lro-polls",
    "--lro-retry-after",
    "--token-lifetime",
    "--device-interval",
    "--arm-page-size",
    "--subscriptions",
    "--gdap-relationships",
    "--gdap-page-size",
    "--gdap-lro-polls",
    "--gdap-terminate-polls",
    "--client-id",
    "--client-secret",
    "--tenant-id",
    "--tenant-domain",
];

/// The options of the identity platform's credentials (beside [`VALUE_FLAGS`]) that take a value.
const IDENTITY_VALUE_FLAGS: [&str; 5] = [
    "--cloud",
    "--identity-header",
    "--msi-secret",
    "--client-certificate",
    "--auth-code-lifetime",
];

/// The options of Lighthouse at scale and of the per-service limits (beside [`VALUE_FLAGS`]) that take a
/// value.
const SCALE_VALUE_FLAGS: [&str; 8] = [
    "--assignments-per-subscription",
    "--arm-delete-bucket",
    "--arm-delete-refill-per-second",
    "--rate-limit-partner-center",
    "--rate-limit-customers-api",
    "--rate-limit-cloudcockpit",
    "--rate-limit-arm",
    "--rate-limit-graph",
];

fn rate_limit(flag: &str, value: &str) -> Result<Option<RateLimit>, String> {
    RateLimit::parse(value).map_err(|e| format!("{flag}: {e}"))
}

/// Parses the arguments after the program name (`--flag value` or `--flag=value`). An unknown option is an
/// error wherever it stands (also after `--help`); the help is asked for with `-h`/`--help` only.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let mut config = Config::default();
    let mut exit_on_stdin_eof = false;
    let mut help = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" if inline.is_none() => {
                help = true;
                continue;
            }
            "--exit-on-stdin-eof" if inline.is_none() => {
                exit_on_stdin_eof = true;
                continue;
            }
            "--arm-check-delete-permission" if inline.is_none() => {
                config.arm_check_delete_permission = true;
                continue;
            }
            "-h" | "--help" | "--exit-on-stdin-eof" | "--arm-check-delete-permission" => {
                return Err(format!("{flag} takes no value"));
            }
            f if VALUE_FLAGS.contains(&f)
                || IDENTITY_VALUE_FLAGS.contains(&f)
                || SCALE_VALUE_FLAGS.contains(&f) => {}
            f if f.starts_with('-') => return Err(format!("unknown option '{f}'")),
            f => return Err(format!("unexpected argument '{f}' (options start with --)")),
        }
        let value = match inline {
            Some(v) => v,
            None => match args.next() {
                // `--port --customers 3`: the value is missing, not "--customers".
                Some(v) if !v.starts_with("--") => v,
                _ => return Err(format!("{flag} needs a value")),
            },
        };
        let v = value.as_str();
        match flag.as_str() {
            "--host" => config.host = value,
            "--port" => config.port = number(&flag, v)?,
            "--customers" => config.customers = number(&flag, v)?,
            "--inactive-dap" => config.inactive_dap = Some(number(&flag, v)?),
            "--seed" => config.seed = number(&flag, v)?,
            "--latency-ms" => config.latency = Duration::from_millis(number(&flag, v)?),
            "--rate-limit" => config.rate_limit = number(&flag, v)?,
            "--fail-rate" => {
                let rate: f64 = number(&flag, v)?;
                if !(0.0..=1.0).contains(&rate) {
                    return Err(format!("{flag}: {rate} is not between 0 and 1"));
                }
                config.fail_rate = rate;
            }
            "--lro-polls" => config.lro_polls = number(&flag, v)?,
            "--lro-retry-after" => config.lro_retry_after = number(&flag, v)?,
            "--token-lifetime" => config.token_lifetime = number(&flag, v)?,
            "--device-interval" => config.device_interval = number(&flag, v)?,
            "--arm-page-size" => config.arm_page_size = number(&flag, v)?,
            "--subscriptions" => config.subscriptions = number(&flag, v)?,
            "--gdap-relationships" => config.gdap_relationships = Some(number(&flag, v)?),
            "--gdap-page-size" => {
                let size: usize = number(&flag, v)?;
                if !(1..=MAX_GDAP_PAGE_SIZE).contains(&size) {
                    return Err(format!(
                        "{flag}: {size} is not between 1 and {MAX_GDAP_PAGE_SIZE}"
                    ));
                }
                config.gdap_page_size = size;
            }
            "--gdap-lro-polls" => config.gdap_lro_polls = number(&flag, v)?,
            "--gdap-terminate-polls" => config.gdap_terminate_polls = number(&flag, v)?,
            "--client-id" => config.client_id = value,
            "--client-secret" => config.client_secret = value,
            "--tenant-id" => config.partner_tenant_id = value,
            "--tenant-domain" => config.tenant_domain = value,
            "--cloud" => {
                config.cloud = Cloud::parse(v)
                    .ok_or_else(|| format!("{flag}: '{v}' is not public, usGovernment or china"))?
            }
            "--identity-header" => config.identity_header = value,
            "--msi-secret" => config.msi_secret = value,
            "--client-certificate" => {
                let pem = std::fs::read_to_string(v)
                    .map_err(|e| format!("{flag}: cannot read '{v}': {e}"))?;
                config.client_certificates.push(pem);
            }
            "--auth-code-lifetime" => config.auth_code_lifetime = number(&flag, v)?,
            "--assignments-per-subscription" => {
                config.assignments_per_subscription = number(&flag, v)?
            }
            "--arm-delete-bucket" => {
                config.arm_delete_bucket = match v {
                    "on" => ARM_DELETE_BUCKET,
                    "off" => 0,
                    n => number(&flag, n)?,
                }
            }
            "--arm-delete-refill-per-second" => {
                let rate: u32 = number(&flag, v)?;
                if rate == 0 {
                    return Err(format!("{flag}: 0 never refills; give at least 1"));
                }
                config.arm_delete_refill_per_second = rate;
            }
            "--rate-limit-partner-center" => {
                config.service_rate_limits.partner_center = rate_limit(&flag, v)?
            }
            "--rate-limit-customers-api" => {
                config.service_rate_limits.customers_api = rate_limit(&flag, v)?
            }
            "--rate-limit-cloudcockpit" => {
                config.service_rate_limits.cloud_cockpit = rate_limit(&flag, v)?
            }
            "--rate-limit-arm" => config.service_rate_limits.arm = rate_limit(&flag, v)?,
            "--rate-limit-graph" => config.service_rate_limits.graph = rate_limit(&flag, v)?,
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    if help {
        return Ok(Command::Help);
    }
    Ok(Command::Run(Box::new(CliOptions {
        config,
        exit_on_stdin_eof,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ServiceRateLimits;

    fn run(args: &[&str]) -> Result<CliOptions, String> {
        match parse_args(args.iter().map(|s| s.to_string()))? {
            Command::Run(options) => Ok(*options),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn flags() {
        let o = run(&[
            "--port",
            "8787",
            "--customers=7",
            "--latency-ms",
            "50",
            "--exit-on-stdin-eof",
        ])
        .unwrap();
        assert_eq!(o.config.port, 8787);
        assert_eq!(o.config.customers, 7);
        assert_eq!(o.config.latency, Duration::from_millis(50));
        assert!(o.exit_on_stdin_eof);
        assert!(run(&["--bogus", "1"]).is_err());
        assert!(run(&["--port"]).is_err());
        assert!(run(&["--fail-rate", "2"]).is_err());
        let gdap = run(&[
            "--gdap-relationships",
            "10000",
            "--gdap-page-size=300",
            "--gdap-lro-polls",
            "0",
            "--gdap-terminate-polls",
            "5",
        ])
        .unwrap()
        .config;
        assert_eq!(gdap.gdap_relationships, Some(10_000));
        assert_eq!(gdap.gdap_page_size, 300);
        assert_eq!(gdap.gdap_lro_polls, 0);
        assert_eq!(gdap.gdap_terminate_polls, 5);
        assert!(run(&["--gdap-page-size", "301"]).is_err());
        let identity = run(&[
            "--cloud",
            "usGovernment",
            "--identity-header=h",
            "--msi-secret",
            "s",
            "--auth-code-lifetime",
            "5",
        ])
        .unwrap()
        .config;
        assert_eq!(identity.cloud, Cloud::UsGovernment);
        assert_eq!(identity.identity_header, "h");
        assert_eq!(identity.msi_secret, "s");
        assert_eq!(identity.auth_code_lifetime, 5);
        assert!(run(&["--cloud", "germany"])
            .unwrap_err()
            .contains("not public, usGovernment or china"));
        assert!(run(&["--client-certificate", "/nonexistent/cert.pem"])
            .unwrap_err()
            .starts_with("--client-certificate: cannot read"));
        assert!(run(&["--gdap-page-size", "0"]).is_err());
        assert_eq!(run(&["--help"]).unwrap_err(), "help");
    }

    #[test]
    fn lighthouse_scale_and_service_limits() {
        let c = run(&[
            "--subscriptions",
            "200",
            "--assignments-per-subscription=10",
            "--arm-delete-bucket",
            "200",
            "--arm-delete-refill-per-second",
            "10",
            "--arm-check-delete-permission",
            "--rate-limit-partner-center",
            "500/60",
            "--rate-limit-customers-api=20",
            "--rate-limit-cloudcockpit",
            "0",
            "--rate-limit-arm",
            "50",
            "--rate-limit-graph",
            "30/1",
        ])
        .unwrap()
        .config;
        assert_eq!(c.subscriptions, 200);
        assert_eq!(c.assignments_per_subscription, 10);
        assert_eq!(c.arm_delete_bucket, 200);
        assert_eq!(c.arm_delete_refill_per_second, 10);
        assert!(c.arm_check_delete_permission);
        let limits = c.service_rate_limits;
        assert_eq!(
            limits.partner_center,
            Some(RateLimit {
                requests: 500,
                per: Duration::from_secs(60)
            })
        );
        assert_eq!(limits.customers_api, Some(RateLimit::per_second(20)));
        assert_eq!(limits.cloud_cockpit, None, "0 is no limit");
        assert_eq!(limits.arm, Some(RateLimit::per_second(50)));
        assert_eq!(limits.graph, Some(RateLimit::per_second(30)));

        assert_eq!(
            run(&["--arm-delete-bucket", "on"])
                .unwrap()
                .config
                .arm_delete_bucket,
            200
        );
        assert_eq!(
            run(&["--arm-delete-bucket=off"])
                .unwrap()
                .config
                .arm_delete_bucket,
            0
        );

        let defaults = run(&[]).unwrap().config;
        assert_eq!(defaults.assignments_per_subscription, 4);
        assert_eq!(defaults.arm_delete_bucket, 0, "off unless asked for");
        assert_eq!(defaults.arm_delete_refill_per_second, 10);
        assert!(!defaults.arm_check_delete_permission);
        assert_eq!(defaults.service_rate_limits, ServiceRateLimits::default());

        for (args, why) in [
            (
                &["--arm-delete-refill-per-second", "0"][..],
                "never refills",
            ),
            (&["--rate-limit-graph", "fast"], "is not N or N/SECONDS"),
            (&["--rate-limit-arm", "5/0"], "SECONDS at least 1"),
            (&["--rate-limit-arm", "5/x"], "SECONDS at least 1"),
            (&["--arm-check-delete-permission=yes"], "takes no value"),
            (
                &["--assignments-per-subscription", "-1"],
                "not a valid number",
            ),
            (&["--arm-delete-bucket", "yes"], "not a valid number"),
        ] {
            let error = run(args).unwrap_err();
            assert!(error.contains(why), "{args:?}: {error}");
        }
    }

    #[test]
    fn unknown_options_anywhere() {
        for args in [
            &["--bogus"][..],
            &["--bogus", "1"],
            &["--port", "0", "--bogus"],
            &["--bogus", "--port", "0"],
            &["--port", "0", "--customers", "3", "--bogus=1"],
            &["--help", "--bogus"],
            &["--bogus", "--help"],
            &["-x"],
        ] {
            let error = run(args).unwrap_err();
            assert!(error.starts_with("unknown option '-"), "{args:?}: {error}");
        }
        assert!(run(&["stray"])
            .unwrap_err()
            .starts_with("unexpected argument"));
        assert_eq!(
            run(&["--port", "--customers", "3"]).unwrap_err(),
            "--port needs a value"
        );
        assert_eq!(run(&["--port", "0", "--help"]).unwrap_err(), "help");
        assert_eq!(run(&["-h"]).unwrap_err(), "help");
    }
}
