/*
 * C consumer stress test of libdelegated_admin: T threads (default 16) each make N calls (default 200) that
 * cycle through every exported function with valid and invalid requests, check every envelope against what
 * docs/api.md promises for that request, and free every returned string exactly once.
 *
 * Usage (tests/c/run.sh fills these in from GET /_emulator/fixtures):
 *   stress url=.. tenantId=.. clientId=.. clientSecret=.. tenantDomain=.. providerInstanceId=..
 *          inactiveCustomerIds=id,id,.. relationships=customerId:relationshipId,.. subscriptionId=..
 *          assignmentIds=id,id,.. [threads=16] [calls=200]
 *
 * Prints a line per failed call (the first few per thread), a per-case tally, and ends with
 * "N passed, M failed"; exits 1 on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include "common.h"
#include "delegated_admin.h"

#include <pthread.h>

#define MAX_LIST 64
#define MAX_FAIL_LINES 5

typedef char *(*da_fn)(const char *);

static struct {
    const char *url, *tenant_id, *client_id, *client_secret, *tenant_domain, *provider_instance_id, *subscription_id;
    char *inactive[MAX_LIST];
    size_t n_inactive;
    char *rel_customer[MAX_LIST], *rel_id[MAX_LIST];
    size_t n_rel;
    char *assignments[MAX_LIST];
    size_t n_assignments;
    int threads, calls;
} cfg;

static char common[2048];
static const char *version_ptr;

enum {
    C_VERSION,
    C_TOKEN,
    C_TOKEN_NULL,
    C_DEVICE_START,
    C_DEVICE_POLL,
    C_DEVICE_POLL_MALFORMED,
    C_LIST,
    C_LIST_TOP_301,
    C_LIST_BAD_UTF8,
    C_DAP,
    C_DAP_NOT_GUID,
    C_DAP_UNKNOWN,
    C_REL,
    C_REL_DOTDOT,
    C_REL_ARRAY,
    C_LH_LIST,
    C_LH_BAD_SCOPE,
    C_LH_REMOVE,
    C_LH_REMOVE_UNKNOWN_FIELD,
    C_WRONG_SECRET,
    C_COUNT
};

static const char *const case_names[C_COUNT] = {
    "da_version + da_string_free(NULL)",
    "da_acquire_token client credentials",
    "da_acquire_token(NULL) -> invalid_request",
    "da_start_device_code",
    "da_poll_device_code (pending/slow_down)",
    "da_poll_device_code malformed JSON -> invalid_request",
    "da_list_delegated_admin_customers top 10",
    "da_list_delegated_admin_customers top 301 -> invalid_request",
    "da_list_delegated_admin_customers invalid UTF-8 -> invalid_request",
    "da_remove_dap_relationship",
    "da_remove_dap_relationship not a GUID -> invalid_request",
    "da_remove_dap_relationship unknown customer -> not_found",
    "da_update_delegated_admin_relationship",
    "da_update_delegated_admin_relationship ../x -> not_found",
    "da_update_delegated_admin_relationship JSON array -> invalid_request",
    "da_list_lighthouse_assignments",
    "da_list_lighthouse_assignments bad scope -> invalid_request",
    "da_remove_lighthouse_assignment",
    "da_remove_lighthouse_assignment unknown field -> invalid_request",
    "wrong client secret -> unauthorized",
};

struct worker {
    pthread_t tid;
    int index;
    long passed, failed;
    long case_passed[C_COUNT], case_failed[C_COUNT];
    int fail_lines;
    char device_code[2048];
    long device_interval;
};

static void record(struct worker *w, int c, bool ok, const char *why, const char *env)
{
    if (ok) {
        w->passed++;
        w->case_passed[c]++;
        return;
    }
    w->failed++;
    w->case_failed[c]++;
    if (w->fail_lines++ < MAX_FAIL_LINES)
        printf("FAIL thread %d %s: %s\n     envelope: %.800s\n", w->index, case_names[c], why, env ? env : "(null)");
}

/* Calls f(req), checks the shape and `pred`, frees the envelope exactly once. */
static void run_case(struct worker *w, int c, da_fn f, const char *req, bool (*pred)(struct worker *, const char *),
                     const char *kind)
{
    char *env = f(req);
    char why[256];
    bool ok = envelope_well_formed(env, why, sizeof why);
    if (ok && kind && !envelope_kind(env, kind)) {
        snprintf(why, sizeof why, "expected error kind %s", kind);
        ok = false;
    }
    if (ok && pred && !pred(w, env)) {
        snprintf(why, sizeof why, "result not as documented");
        ok = false;
    }
    record(w, c, ok, why, env);
    da_string_free(env);
}

static bool pred_token(struct worker *w, const char *env)
{
    (void)w;
    return envelope_ok(env) && js_is_string(js_get(env, "result.accessToken")) &&
           js_str_eq(js_get(env, "result.tokenType"), "Bearer") && !strstr(env, cfg.client_secret);
}

static bool pred_device_start(struct worker *w, const char *env)
{
    if (!envelope_ok(env)) return false;
    char code[2048];
    if (!js_str(js_get(env, "result.deviceCode"), code, sizeof code) || !js_is_string(js_get(env, "result.userCode")))
        return false;
    json_escape(code, w->device_code, sizeof w->device_code);
    w->device_interval = (long)js_num(js_get(env, "result.interval"));
    return true;
}

static bool pred_device_poll(struct worker *w, const char *env)
{
    (void)w;
    char st[32];
    return envelope_ok(env) && js_str(js_get(env, "result.status"), st, sizeof st) &&
           (!strcmp(st, "pending") || !strcmp(st, "slow_down")) && js_is(js_get(env, "result.token"), "null");
}

static bool pred_list(struct worker *w, const char *env)
{
    (void)w;
    long n = js_len(js_get(env, "result.customers"));
    return envelope_ok(env) && n >= 1 && n <= 10;
}

static bool pred_dap(struct worker *w, const char *env)
{
    (void)w;
    return envelope_ok(env) && js_is(js_get(env, "result.allowDelegatedAccess"), "false");
}

static bool pred_rel(struct worker *w, const char *env)
{
    (void)w;
    return envelope_ok(env) && js_is_string(js_get(env, "result.relationshipId"));
}

static bool pred_lh_list(struct worker *w, const char *env)
{
    (void)w;
    return envelope_ok(env) && js_len(js_get(env, "result.assignments")) >= 0;
}

/* Threads delete the same few assignments at once: each call ends deleted, accepted or notFound, or, when
 * another thread's delete of that assignment is still running, ARM's 409 (kind "conflict", status 409). */
static bool pred_lh_remove(struct worker *w, const char *env)
{
    (void)w;
    char st[32];
    if (envelope_kind(env, "conflict")) return js_num(js_get(env, "error.status")) == 409;
    return envelope_ok(env) && js_str(js_get(env, "result.status"), st, sizeof st) &&
           (!strcmp(st, "deleted") || !strcmp(st, "accepted") || !strcmp(st, "notFound"));
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    char req[8192];
    static const char bad_utf8[] = {'{', '"', 't', 'o', 'p', '"', ':', '"', (char)0xFF, (char)0xFE, '"', '}', 0};

    for (int i = 0; i < cfg.calls; i++) {
        int c = (i + w->index) % C_COUNT;
        size_t k = (size_t)(i / C_COUNT + w->index);
        switch (c) {
        case C_VERSION: {
            const char *v = da_version();
            da_string_free(NULL);
            record(w, c, v != NULL && v == version_ptr && strchr(v, '.') != NULL, "da_version changed", v);
            break;
        }
        case C_TOKEN:
            fmt(req, sizeof req, "{%s,\"resource\":\"https://management.azure.com\"}", common);
            run_case(w, c, da_acquire_token, req, pred_token, NULL);
            break;
        case C_TOKEN_NULL:
            run_case(w, c, da_acquire_token, NULL, NULL, "invalid_request");
            break;
        case C_DEVICE_START:
            fmt(req, sizeof req,
                "{\"authority\":\"%s\",\"clientId\":\"%s\",\"tenantId\":\"%s\",\"resource\":"
                "\"https://management.azure.com\"}",
                cfg.url, cfg.client_id, cfg.tenant_id);
            run_case(w, c, da_start_device_code, req, pred_device_start, NULL);
            break;
        case C_DEVICE_POLL:
            if (!w->device_code[0]) { /* no flow started yet in this thread: start one first */
                fmt(req, sizeof req,
                    "{\"authority\":\"%s\",\"clientId\":\"%s\",\"tenantId\":\"%s\",\"resource\":"
                    "\"https://management.azure.com\"}",
                    cfg.url, cfg.client_id, cfg.tenant_id);
                run_case(w, C_DEVICE_START, da_start_device_code, req, pred_device_start, NULL);
            }
            if (!w->device_code[0]) break;
            fmt(req, sizeof req,
                "{\"authority\":\"%s\",\"clientId\":\"%s\",\"tenantId\":\"%s\",\"deviceCode\":\"%s\","
                "\"interval\":%ld}",
                cfg.url, cfg.client_id, cfg.tenant_id, w->device_code, w->device_interval > 0 ? w->device_interval : 1);
            run_case(w, c, da_poll_device_code, req, pred_device_poll, NULL);
            break;
        case C_DEVICE_POLL_MALFORMED:
            run_case(w, c, da_poll_device_code, "{\"deviceCode\":", NULL, "invalid_request");
            break;
        case C_LIST:
            fmt(req, sizeof req, "{%s,\"top\":10,\"skip\":%zu,\"orderBy\":\"startDateTime desc\"}", common, k % 5);
            run_case(w, c, da_list_delegated_admin_customers, req, pred_list, NULL);
            break;
        case C_LIST_TOP_301:
            fmt(req, sizeof req, "{%s,\"top\":301}", common);
            run_case(w, c, da_list_delegated_admin_customers, req, NULL, "invalid_request");
            break;
        case C_LIST_BAD_UTF8:
            run_case(w, c, da_list_delegated_admin_customers, bad_utf8, NULL, "invalid_request");
            break;
        case C_DAP:
            fmt(req, sizeof req, "{%s,\"customerTenantId\":\"%s\"}", common, cfg.inactive[k % cfg.n_inactive]);
            run_case(w, c, da_remove_dap_relationship, req, pred_dap, NULL);
            break;
        case C_DAP_NOT_GUID:
            fmt(req, sizeof req, "{%s,\"customerTenantId\":\"%s-not-a-guid\"}", common, cfg.inactive[0]);
            run_case(w, c, da_remove_dap_relationship, req, NULL, "invalid_request");
            break;
        case C_DAP_UNKNOWN:
            fmt(req, sizeof req, "{%s,\"customerTenantId\":\"3f2504e0-4f89-11d3-9a0c-%012zx\"}", common, k);
            run_case(w, c, da_remove_dap_relationship, req, NULL, "not_found");
            break;
        case C_REL: {
            size_t r = k % cfg.n_rel;
            fmt(req, sizeof req,
                "{%s,\"tenantDomain\":\"%s\",\"customerId\":\"%s\",\"relationshipId\":\"%s\","
                "\"providerInstanceId\":\"%s\",\"autoExtendEnabled\":%s}",
                common, cfg.tenant_domain, cfg.rel_customer[r], cfg.rel_id[r], cfg.provider_instance_id,
                k % 2 ? "true" : "false");
            run_case(w, c, da_update_delegated_admin_relationship, req, pred_rel, NULL);
            break;
        }
        case C_REL_DOTDOT:
            fmt(req, sizeof req,
                "{%s,\"tenantDomain\":\"%s\",\"customerId\":\"%s\",\"relationshipId\":\"../x\","
                "\"providerInstanceId\":\"%s\",\"autoExtendEnabled\":true}",
                common, cfg.tenant_domain, cfg.rel_customer[0], cfg.provider_instance_id);
            run_case(w, c, da_update_delegated_admin_relationship, req, NULL, "not_found");
            break;
        case C_REL_ARRAY:
            run_case(w, c, da_update_delegated_admin_relationship, "[1,2,3]", NULL, "invalid_request");
            break;
        case C_LH_LIST:
            fmt(req, sizeof req, "{%s,\"scope\":\"/subscriptions/%s\",\"includeDefinition\":%s}", common,
                cfg.subscription_id, k % 2 ? "true" : "false");
            run_case(w, c, da_list_lighthouse_assignments, req, pred_lh_list, NULL);
            break;
        case C_LH_BAD_SCOPE:
            fmt(req, sizeof req, "{%s,\"scope\":\"/subscriptions/%s/resourceGroups/a/b\"}", common,
                cfg.subscription_id);
            run_case(w, c, da_list_lighthouse_assignments, req, NULL, "invalid_request");
            break;
        case C_LH_REMOVE:
            fmt(req, sizeof req, "{%s,\"assignmentId\":\"%s\",\"wait\":%s}", common,
                cfg.assignments[k % cfg.n_assignments], k % 2 ? "true" : "false");
            run_case(w, c, da_remove_lighthouse_assignment, req, pred_lh_remove, NULL);
            break;
        case C_LH_REMOVE_UNKNOWN_FIELD:
            fmt(req, sizeof req, "{%s,\"assignmentId\":\"%s\",\"waitt\":true}", common, cfg.assignments[0]);
            run_case(w, c, da_remove_lighthouse_assignment, req, NULL, "invalid_request");
            break;
        case C_WRONG_SECRET:
            fmt(req, sizeof req,
                "{\"endpoint\":\"%s\",\"authority\":\"%s\",\"auth\":{\"tenantId\":\"%s\",\"clientId\":\"%s\","
                "\"clientSecret\":\"wrong-secret-%d\"},\"top\":1,\"maxRetries\":0}",
                cfg.url, cfg.url, cfg.tenant_id, cfg.client_id, w->index);
            run_case(w, c, da_list_delegated_admin_customers, req, NULL, "unauthorized");
            break;
        default:
            break;
        }
    }
    return NULL;
}

/* Split "a,b,c" (a copy of it) into parts[]. */
static size_t split(const char *list, char sep, char **parts, size_t max)
{
    char *copy = strdup(list);
    if (!copy) abort();
    size_t n = 0;
    for (char *p = copy; p && *p && n < max;) {
        parts[n++] = p;
        char *s = strchr(p, sep);
        if (s) *s++ = 0;
        p = s;
    }
    return n;
}

int main(int argc, char **argv)
{
    cfg.url = arg_required(argc, argv, "url");
    cfg.tenant_id = arg_required(argc, argv, "tenantId");
    cfg.client_id = arg_required(argc, argv, "clientId");
    cfg.client_secret = arg_required(argc, argv, "clientSecret");
    cfg.tenant_domain = arg_required(argc, argv, "tenantDomain");
    cfg.provider_instance_id = arg_required(argc, argv, "providerInstanceId");
    cfg.subscription_id = arg_required(argc, argv, "subscriptionId");
    cfg.n_inactive = split(arg_required(argc, argv, "inactiveCustomerIds"), ',', cfg.inactive, MAX_LIST);
    cfg.n_assignments = split(arg_required(argc, argv, "assignmentIds"), ',', cfg.assignments, MAX_LIST);
    char *pairs[MAX_LIST];
    size_t n_pairs = split(arg_required(argc, argv, "relationships"), ',', pairs, MAX_LIST);
    for (size_t i = 0; i < n_pairs; i++) {
        char *colon = strchr(pairs[i], ':');
        if (!colon) continue;
        *colon = 0;
        cfg.rel_customer[cfg.n_rel] = pairs[i];
        cfg.rel_id[cfg.n_rel++] = colon + 1;
    }
    const char *t = arg_value(argc, argv, "threads"), *n = arg_value(argc, argv, "calls");
    cfg.threads = t ? atoi(t) : 16;
    cfg.calls = n ? atoi(n) : 200;
    if (cfg.threads < 1 || cfg.threads > 256 || cfg.calls < 1 || !cfg.n_inactive || !cfg.n_assignments || !cfg.n_rel) {
        fprintf(stderr, "bad threads/calls or empty inactiveCustomerIds/assignmentIds/relationships\n");
        return 2;
    }

    char secret[512];
    json_escape(cfg.client_secret, secret, sizeof secret);
    fmt(common, sizeof common,
        "\"endpoint\":\"%s\",\"authority\":\"%s\",\"auth\":{\"tenantId\":\"%s\",\"clientId\":\"%s\","
        "\"clientSecret\":\"%s\"},\"timeoutSeconds\":120",
        cfg.url, cfg.url, cfg.tenant_id, cfg.client_id, secret);
    version_ptr = da_version();

    printf("libdelegated_admin %s: %d threads x %d calls against %s\n", version_ptr, cfg.threads, cfg.calls, cfg.url);
    fflush(stdout);
    struct worker *workers = calloc((size_t)cfg.threads, sizeof *workers);
    if (!workers) return 2;
    int started = 0;
    for (int i = 0; i < cfg.threads; i++) {
        workers[i].index = i;
        if (pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]) != 0) {
            fprintf(stderr, "pthread_create failed for thread %d\n", i);
            break;
        }
        started++;
    }
    long passed = 0, failed = started == cfg.threads ? 0 : 1;
    long case_passed[C_COUNT] = {0}, case_failed[C_COUNT] = {0};
    for (int i = 0; i < started; i++) {
        pthread_join(workers[i].tid, NULL);
        passed += workers[i].passed;
        failed += workers[i].failed;
        for (int c = 0; c < C_COUNT; c++) {
            case_passed[c] += workers[i].case_passed[c];
            case_failed[c] += workers[i].case_failed[c];
        }
    }
    for (int c = 0; c < C_COUNT; c++)
        printf("%-70s %6ld ok %4ld failed\n", case_names[c], case_passed[c], case_failed[c]);
    free(workers);
    free(cfg.inactive[0]);
    free(cfg.assignments[0]);
    free(pairs[0]);
    printf("%ld passed, %ld failed\n", passed, failed);
    return failed ? 1 : 0;
}
