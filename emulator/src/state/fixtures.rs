//! `GET /_emulator/fixtures`: what tests need to know about the seeded world (current state).

use serde_json::{json, Value};
use uuid::Uuid;

use super::gdap::model::{AssignmentStatus, AutoExtend, Status};
use super::seed::INACTIVE_SAMPLE;
use super::tokens::Audience;
use super::{lighthouse, lock, read, AppState};
use crate::services::managed_identity::{API_VERSION, LEGACY_API_VERSION};
use crate::timefmt::{format_ticks, now_ticks, TICKS_PER_DAY};

pub use super::lighthouse::fixtures::Detail;

/// Every fixture, with each Lighthouse assignment.
pub fn fixtures(app: &AppState) -> Value {
    fixtures_with(app, Detail::Full)
}

/// The fixtures, with the Lighthouse assignments in `detail`.
pub fn fixtures_with(app: &AppState, detail: Detail) -> Value {
    let relationships: Vec<Value> = read(&app.relationships)
        .all()
        .iter()
        .map(|r| {
            json!({
                "customerId": r.customer_id,
                "relationshipId": r.relationship_id,
                "providerInstanceId": app.provider_instance_id,
                "autoExtendEnabled": r.auto_extend_enabled,
            })
        })
        .collect();
    let arm = lock(&app.arm);
    let subscriptions = lighthouse::fixtures::subscriptions(&arm, detail);
    let lighthouse = lighthouse::fixtures::lighthouse(&arm, &app.config, detail);
    drop(arm);
    let c = &app.config;
    let tenant = &c.partner_tenant_id;
    let certificates: Vec<Value> = read(&app.certificates)
        .all()
        .iter()
        .map(|c| c.to_json())
        .collect();
    let audiences: serde_json::Map<String, Value> = Audience::ALL
        .iter()
        .map(|a| (a.id().to_string(), json!(a.uri_in(c.cloud))))
        .collect();
    let d = &app.directory;
    json!({
        "url": app.url,
        "cloud": c.cloud.id(),
        "loginHost": c.cloud.login_host(),
        "audiences": audiences,
        "issuer": c.cloud.issuer(tenant),
        "tokenEndpoint": format!("{}/{tenant}/oauth2/v2.0/token", app.url),
        "authorizeEndpoint": format!("{}/{tenant}/oauth2/v2.0/authorize", app.url),
        "appObjectId": d.app_object_id,
        "user": { "upn": d.admin.upn, "objectId": d.admin.object_id, "name": d.admin.name },
        "certificates": certificates,
        "managedIdentity": managed_identity(app),
        "clientId": c.client_id,
        "clientSecret": c.client_secret,
        "tenantId": c.partner_tenant_id,
        "tenantDomain": c.tenant_domain,
        "providerInstanceId": app.provider_instance_id,
        "customerCount": c.customers,
        "inactiveDapCount": c.inactive_dap_count(),
        "now": format_ticks(app.now),
        "inactiveDapCustomerIds": app.inactive_sample,
        "relationships": relationships,
        "subscriptions": subscriptions,
        "lighthouse": lighthouse,
        "gdap": gdap(app),
    })
}

/// The managed identity endpoints (what `IDENTITY_ENDPOINT`/`IDENTITY_HEADER`, `MSI_ENDPOINT`/`MSI_SECRET`
/// and the metadata host override should say) and the two identities.
fn managed_identity(app: &AppState) -> Value {
    let c = &app.config;
    let d = &app.directory;
    json!({
        "appService": {
            "endpoint": format!("{}/msi/token", app.url),
            "apiVersion": API_VERSION,
            "identityHeader": c.identity_header,
        },
        "msi": {
            "endpoint": format!("{}/msi/token", app.url),
            "apiVersion": LEGACY_API_VERSION,
            "secret": c.msi_secret,
        },
        "imds": {
            "endpoint": format!("{}/metadata/identity/oauth2/token", app.url),
            "host": app.url,
            "apiVersion": "2018-02-01",
        },
        "systemAssigned": d.system_assigned.to_json(),
        "userAssigned": d.user_assigned.to_json(),
    })
}

/// Graph's GDAP world as it is now: relationship ids by kind (at most [`INACTIVE_SAMPLE`] each, in
/// seeding order) and the sampled inactive DAP customers (`inactiveDapCustomerIds`) split by whether
/// they hold an active GDAP relationship now.
fn gdap(app: &AppState) -> Value {
    let customers = read(&app.customers);
    let guard = lock(&app.gdap);
    let store = &*guard;
    let now = now_ticks();
    let ends_within = |i: u32, days: i64| {
        let r = store.get(i);
        r.end
            .is_some_and(|end| end > now && end <= now + days * TICKS_PER_DAY)
    };
    let ids = |keep: &dyn Fn(u32) -> bool| -> Vec<String> {
        (0..store.len() as u32)
            .filter(|i| keep(*i))
            .take(INACTIVE_SAMPLE)
            .map(|i| store.id_of(i))
            .collect()
    };
    let status = |s: Status| move |i: u32| store.get(i).status == s;
    let active = status(Status::Active);
    let used = |i: u32| {
        store
            .assignments_of(i)
            .iter()
            .any(|a| a.status == AssignmentStatus::Active)
    };
    let mut counts = serde_json::Map::new();
    for i in 0..store.len() as u32 {
        let name = store.get(i).status.name();
        let n = counts.get(name).and_then(Value::as_u64).unwrap_or(0);
        counts.insert(name.to_string(), json!(n + 1));
    }
    let with_active = store.customers_with_active(customers.len());
    let (covered, uncovered): (Vec<Uuid>, Vec<Uuid>) = app
        .inactive_sample
        .iter()
        .partition(|id| customers.find(id).is_some_and(|i| with_active[i as usize]));
    json!({
        "relationshipCount": store.len(),
        "statusCounts": counts,
        "active": ids(&active),
        "activeGlobalAdmin": ids(&|i| active(i) && store.get(i).holds_global_admin()),
        "activeEndingWithin30Days": ids(&|i| active(i) && ends_within(i, 30)),
        "activeEndingWithin60Days": ids(&|i| active(i) && ends_within(i, 60)),
        "activeAutoExtended": ids(&|i| active(i) && store.get(i).auto_extend == AutoExtend::Days180),
        "activeAutoExtendable": ids(&|i| {
            let r = store.get(i);
            active(i) && !r.holds_global_admin() && r.auto_extend == AutoExtend::Off && r.operation.is_none()
        }),
        "activeUnused": ids(&|i| active(i) && !used(i)),
        "reseller": ids(&|i| store.get(i).reseller.is_some()),
        "created": ids(&status(Status::Created)),
        "approvalPending": ids(&status(Status::ApprovalPending)),
        "expired": ids(&status(Status::Expired)),
        "terminated": ids(&status(Status::Terminated)),
        "terminationRequested": ids(&status(Status::TerminationRequested)),
        "inactiveDapWithActiveGdap": covered,
        "inactiveDapWithoutActiveGdap": uncovered,
    })
}
