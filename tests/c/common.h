/*
 * Helpers shared by the C consumer tests (smoke.c, stress.c). Header-only, C11 + POSIX, no JSON library:
 *
 *  - a tiny read-only JSON walker (skip a value, look a member up by a dotted path such as
 *    "result.customers.3.dapEnabled", count array elements, copy a string out) used to check envelopes;
 *  - request building with snprintf (abort on truncation) and a JSON string escaper;
 *  - a UTF-8 validity check (every envelope must be UTF-8);
 *  - a minimal HTTP/1.0 client over libc sockets for the emulator's control endpoints
 *    (POST /_emulator/device/approve, GET /_emulator/requests).
 *
 * Everything is `static inline` so that a program that does not use a helper does not trip -Wunused-function.
 */
#ifndef DA_TEST_COMMON_H
#define DA_TEST_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------------------------ */
/* Request building                                                                                 */
/* ------------------------------------------------------------------------------------------------ */

/* snprintf into buf; a truncated request would test the wrong thing, so abort instead. */
static inline void fmt(char *buf, size_t n, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int len = vsnprintf(buf, n, format, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= n) {
        fprintf(stderr, "request buffer too small (%d bytes needed) for: %s\n", len, format);
        abort();
    }
}

/* Escape `in` as the inside of a JSON string (quotes, backslashes, control characters). */
static inline void json_escape(const char *in, char *out, size_t n)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        char tmp[8];
        const char *piece = tmp;
        if (*p == '"') piece = "\\\"";
        else if (*p == '\\') piece = "\\\\";
        else if (*p < 0x20) snprintf(tmp, sizeof tmp, "\\u%04x", *p);
        else { tmp[0] = (char)*p; tmp[1] = 0; }
        size_t l = strlen(piece);
        if (o + l + 1 > n) { fprintf(stderr, "json_escape: buffer too small\n"); abort(); }
        memcpy(out + o, piece, l);
        o += l;
    }
    out[o] = 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* A tiny JSON walker (read-only; enough to check envelopes)                                        */
/* ------------------------------------------------------------------------------------------------ */

static inline const char *js_ws(const char *p)
{
    while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* p at a '"': returns the pointer past the closing quote, or NULL. */
static inline const char *js_skip_string(const char *p)
{
    if (!p || *p != '"') return NULL;
    for (p++; *p; p++) {
        if (*p == '\\') { if (!*++p) return NULL; }
        else if (*p == '"') return p + 1;
    }
    return NULL;
}

/* p at the start of any value: returns the pointer past it, or NULL when it is not well formed. */
static inline const char *js_skip(const char *p)
{
    p = js_ws(p);
    if (!p || !*p) return NULL;
    if (*p == '"') return js_skip_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = js_ws(p + 1);
        if (p && *p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                p = js_skip_string(js_ws(p));
                p = js_ws(p);
                if (!p || *p != ':') return NULL;
                p++;
            }
            p = js_ws(js_skip(p));
            if (!p) return NULL;
            if (*p == ',') { p++; continue; }
            if (*p == close) return p + 1;
            return NULL;
        }
    }
    const char *start = p;
    while (*p && strchr("+-0123456789.eEtrufalsn", *p)) p++;
    return p > start ? p : NULL;
}

/* The value of member `key` (length klen) of the object at p, or NULL. Keys are compared byte for byte. */
static inline const char *js_member(const char *p, const char *key, size_t klen)
{
    p = js_ws(p);
    if (!p || *p != '{') return NULL;
    p = js_ws(p + 1);
    if (*p == '}') return NULL;
    for (;;) {
        const char *k = js_ws(p);
        const char *kend = js_skip_string(k);
        if (!kend) return NULL;
        const char *v = js_ws(kend);
        if (*v != ':') return NULL;
        v = js_ws(v + 1);
        if ((size_t)(kend - k - 2) == klen && memcmp(k + 1, key, klen) == 0) return v;
        p = js_ws(js_skip(v));
        if (!p || *p != ',') return NULL;
        p++;
    }
}

/* Element i of the array at p, or NULL. */
static inline const char *js_index(const char *p, size_t i)
{
    p = js_ws(p);
    if (!p || *p != '[') return NULL;
    p = js_ws(p + 1);
    if (*p == ']') return NULL;
    for (size_t n = 0;; n++) {
        p = js_ws(p);
        if (n == i) return p;
        p = js_ws(js_skip(p));
        if (!p || *p != ',') return NULL;
        p++;
    }
}

/* Follow a dotted path ("result.customers.0.id"); numeric segments index arrays. NULL when absent. */
static inline const char *js_get(const char *json, const char *path)
{
    const char *v = js_ws(json);
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        v = js_ws(v);
        if (*v == '[') {
            char *end;
            unsigned long i = strtoul(path, &end, 10);
            v = (end == path + len) ? js_index(v, i) : NULL;
        } else {
            v = js_member(v, path, len);
        }
        path += len;
        if (*path == '.') path++;
    }
    return v;
}

/* Number of elements of the array at p, or -1 when p is not an array. */
static inline long js_len(const char *p)
{
    p = js_ws(p);
    if (!p || *p != '[') return -1;
    p = js_ws(p + 1);
    if (*p == ']') return 0;
    long n = 0;
    for (;;) {
        p = js_ws(js_skip(p));
        n++;
        if (!p) return -1;
        if (*p == ']') return n;
        if (*p != ',') return -1;
        p++;
    }
}

/* Whether the value at p is exactly the literal `lit` (true, false, null). */
static inline bool js_is(const char *p, const char *lit)
{
    p = js_ws(p);
    size_t l = strlen(lit);
    return p && strncmp(p, lit, l) == 0 && !strchr("+-0123456789.eEtrufalsn", p[l] ? p[l] : ' ');
}

static inline bool js_is_string(const char *p)
{
    p = js_ws(p);
    return p && *p == '"';
}

/* Copy the string at p into out (escapes \" \\ \/ \n \t \r \b \f decoded, \uXXXX kept verbatim). */
static inline bool js_str(const char *p, char *out, size_t n)
{
    p = js_ws(p);
    if (!p || *p != '"' || n == 0) return false;
    size_t o = 0;
    for (p++; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\') {
            c = *++p;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': c = '\\'; p--; break; /* keep \uXXXX as written */
            case 0: return false;
            default: break;
            }
        }
        if (o + 1 >= n) return false;
        out[o++] = c;
    }
    out[o] = 0;
    return *p == '"';
}

/* Whether the string at p equals s. */
static inline bool js_str_eq(const char *p, const char *s)
{
    char buf[4096];
    return js_str(p, buf, sizeof buf) && strcmp(buf, s) == 0;
}

static inline double js_num(const char *p)
{
    p = js_ws(p);
    if (!p || !strchr("-0123456789", *p)) return -1e300;
    return strtod(p, NULL);
}

/* The whole text is one well formed JSON object and nothing else. */
static inline bool js_valid_object(const char *json)
{
    const char *p = js_ws(json);
    if (!p || *p != '{') return false;
    p = js_ws(js_skip(p));
    return p && *p == 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* Envelope checks                                                                                  */
/* ------------------------------------------------------------------------------------------------ */

static inline bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (n < 0 || (c >= 0xC0 && c <= 0xC1) || c > 0xF4) return false;
        for (int i = 1; i <= n; i++)
            if ((p[i] & 0xC0) != 0x80) return false;
        p += n + 1;
    }
    return true;
}

/* Checks common to every envelope: UTF-8, one JSON object, "ok" a boolean, a correlationId GUID, and for
 * errors the seven documented error fields. Writes why into why[] when it returns false. */
static inline bool envelope_well_formed(const char *env, char *why, size_t n)
{
    if (!env) { snprintf(why, n, "returned NULL"); return false; }
    if (!utf8_valid(env)) { snprintf(why, n, "envelope is not UTF-8"); return false; }
    if (!js_valid_object(env)) { snprintf(why, n, "envelope is not one JSON object"); return false; }
    const char *ok = js_get(env, "ok");
    if (!js_is(ok, "true") && !js_is(ok, "false")) { snprintf(why, n, "no boolean \"ok\""); return false; }
    char cid[64];
    if (!js_str(js_get(env, "correlationId"), cid, sizeof cid) || strlen(cid) != 36) {
        snprintf(why, n, "no correlationId GUID at top level");
        return false;
    }
    if (js_is(ok, "true")) {
        if (!js_get(env, "result")) { snprintf(why, n, "ok without result"); return false; }
        return true;
    }
    static const char *const fields[] = {"kind", "message", "status", "code", "correlationId", "requestId",
                                         "retryAfterSeconds"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "error.%s", fields[i]);
        if (!js_get(env, path)) { snprintf(why, n, "error lacks \"%s\"", fields[i]); return false; }
    }
    if (!js_is_string(js_get(env, "error.kind")) || !js_is_string(js_get(env, "error.message"))) {
        snprintf(why, n, "error.kind / error.message not strings");
        return false;
    }
    if (!js_str_eq(js_get(env, "error.correlationId"), cid)) {
        snprintf(why, n, "error.correlationId differs from the envelope's");
        return false;
    }
    return true;
}

static inline bool envelope_ok(const char *env)
{
    return env && js_is(js_get(env, "ok"), "true");
}

static inline bool envelope_kind(const char *env, const char *kind)
{
    return env && js_is(js_get(env, "ok"), "false") && js_str_eq(js_get(env, "error.kind"), kind);
}

/* ------------------------------------------------------------------------------------------------ */
/* Minimal HTTP/1.0 client for the emulator's control endpoints                                     */
/* ------------------------------------------------------------------------------------------------ */

/* Split "http://host:port" into host and port. */
static inline bool parse_http_url(const char *url, char *host, size_t hn, char *port, size_t pn)
{
    const char *p = url;
    if (strncmp(p, "http://", 7) != 0) return false;
    p += 7;
    const char *colon = strrchr(p, ':');
    if (!colon) return false;
    size_t hl = (size_t)(colon - p);
    if (hl == 0 || hl >= hn) return false;
    memcpy(host, p, hl);
    host[hl] = 0;
    if (host[0] == '[' && host[hl - 1] == ']') { memmove(host, host + 1, hl - 2); host[hl - 2] = 0; }
    size_t i = 0;
    for (p = colon + 1; *p && *p != '/' && i + 1 < pn; p++) port[i++] = *p;
    port[i] = 0;
    return i > 0;
}

/* Send one request; returns the status code (or -1) and, when body_out is given, a malloc'd copy of the
 * response body the caller free()s (it is ours, not the library's). */
static inline int http_call(const char *base_url, const char *method, const char *path, const char *body,
                            char **body_out)
{
    char host[256], port[16];
    if (body_out) *body_out = NULL;
    if (!parse_http_url(base_url, host, sizeof host, port, sizeof port)) return -1;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
    int fd = -1;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) return -1;
    size_t blen = body ? strlen(body) : 0;
    size_t cap = 512 + strlen(path) + blen;
    char *req = malloc(cap);
    if (!req) { close(fd); return -1; }
    int len = snprintf(req, cap,
                       "%s %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\nAccept: application/json\r\n"
                       "%s%zu\r\n\r\n%s",
                       method, path, host, port, body ? "Content-Type: application/json\r\nContent-Length: " :
                       "Content-Length: ", blen, body ? body : "");
    for (size_t sent = 0; len > 0 && sent < (size_t)len;) {
        ssize_t w = send(fd, req + sent, (size_t)len - sent, 0);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { free(req); close(fd); return -1; }
        sent += (size_t)w;
    }
    free(req);
    size_t rcap = 65536, rlen = 0;
    char *resp = malloc(rcap);
    if (!resp) { close(fd); return -1; }
    for (;;) {
        if (rlen + 4096 + 1 > rcap) {
            char *bigger = realloc(resp, rcap * 2);
            if (!bigger) { free(resp); close(fd); return -1; }
            resp = bigger;
            rcap *= 2;
        }
        ssize_t r = recv(fd, resp + rlen, rcap - rlen - 1, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        rlen += (size_t)r;
    }
    close(fd);
    resp[rlen] = 0;
    int status = -1;
    if (sscanf(resp, "HTTP/%*d.%*d %d", &status) != 1) status = -1;
    if (body_out) {
        char *start = strstr(resp, "\r\n\r\n");
        start = start ? start + 4 : resp + rlen;
        size_t bl = strlen(start);
        *body_out = malloc(bl + 1);
        if (*body_out) memcpy(*body_out, start, bl + 1);
    }
    free(resp);
    return status;
}

static inline void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ------------------------------------------------------------------------------------------------ */
/* key=value arguments                                                                              */
/* ------------------------------------------------------------------------------------------------ */

/* The value of "key=..." among argv[1..argc-1], or NULL. */
static inline const char *arg_value(int argc, char **argv, const char *key)
{
    size_t kl = strlen(key);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, kl) == 0 && argv[i][kl] == '=') return argv[i] + kl + 1;
    return NULL;
}

static inline const char *arg_required(int argc, char **argv, const char *key)
{
    const char *v = arg_value(argc, argv, key);
    if (!v || !*v) {
        fprintf(stderr, "missing argument %s=...\n", key);
        exit(2);
    }
    return v;
}

#endif /* DA_TEST_COMMON_H */
