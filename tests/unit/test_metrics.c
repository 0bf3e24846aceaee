// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "metrics.h"
#include "verdict.h"

static void escape_of(const char *in, const char *want)
{
	char out[256];

	assert_int_equal(metrics__escape(in, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void escaping(void **state)
{
	escape_of("plain/path", "plain/path");
	escape_of("a\"b", "a\\\"b");
	escape_of("back\\slash", "back\\\\slash");
	escape_of("two\nlines", "two\\nlines");
	escape_of("\\\"\n", "\\\\\\\"\\n");
	/* tabs and UTF-8 pass; bytes that are not UTF-8 become U+FFFD */
	escape_of("tab\there", "tab\there");
	escape_of("caf\xc3\xa9", "caf\xc3\xa9");
	escape_of("bad\xff", "bad\xef\xbf\xbd");
	escape_of("\xc3", "\xef\xbf\xbd");				   /* cut short */
	escape_of("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");		   /* overlong '/' */
	escape_of("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* a surrogate */
	escape_of("\xf0\x9f\x90\xb3", "\xf0\x9f\x90\xb3");
}

static void escaping_refuses_a_short_buffer(void **state)
{
	char out[4];

	assert_int_equal(metrics__escape("abc", out, sizeof(out)), 0);
	assert_int_equal(metrics__escape("abcd", out, sizeof(out)), -ENOSPC);
	assert_int_equal(metrics__escape("a\"b", out, sizeof(out)), -ENOSPC);
}

static char *render(struct metrics *m)
{
	size_t len;
	char *s = metrics__render(m, &len);

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	return s;
}

/* The lines of text that start with prefix, in order. */
static char *lines_of(const char *text, const char *prefix)
{
	char *out = calloc(1, strlen(text) + 1), *o = out;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (!strncmp(p, prefix, strlen(prefix))) {
			memcpy(o, p, len);
			o += len;
		}
		p += len;
	}
	return out;
}

static const char exact[] =
    "# HELP oomtrace_build_info oomtrace's version and the hooks it attached (the attach tier), "
    "as labels; always 1.\n"
    "# TYPE oomtrace_build_info gauge\n"
    "oomtrace_build_info{version=\"1.2.3\",hooks=\"mark_victim: \\\"tp\\\"\"} 1\n"
    "# HELP oomtrace_up 1 while oomtrace traces; 0 in the last --metrics-file it writes at "
    "exit.\n"
    "# TYPE oomtrace_up gauge\n"
    "oomtrace_up 1\n"
    "# HELP oomtrace_start_time_seconds When oomtrace started, in seconds since the Unix "
    "epoch.\n"
    "# TYPE oomtrace_start_time_seconds gauge\n"
    "oomtrace_start_time_seconds 1700000000.250\n"
    "# HELP oomtrace_oom_kills_total OOM kills, by the memory cgroup whose limit was hit "
    "((global) for the whole machine), the victim's container and pod, and the OOM "
    "constraint.\n"
    "# TYPE oomtrace_oom_kills_total counter\n"
    "oomtrace_oom_kills_total{memcg=\"(global)\",container=\"\",pod_uid=\"\",constraint="
    "\"NONE\"} 1\n"
    "oomtrace_oom_kills_total{memcg=\"/pods/a\",container=\"c1\",pod_uid=\"u-1\",constraint="
    "\"MEMCG\"} 2\n"
    "oomtrace_oom_kills_total{memcg=\"/pods/a\",container=\"c1\",pod_uid=\"u-1\",constraint="
    "\"unknown\"} 1\n"
    "# HELP oomtrace_oom_kill_verdicts_total OOM kills by their verdict's rules "
    "(docs/records.md, \"The verdict\"): which limit was hit, and what filled it; only rule "
    "pairs that happened.\n"
    "# TYPE oomtrace_oom_kill_verdicts_total counter\n"
    "# HELP oomtrace_oom_already_exiting_total Victims the OOM killer marked while they were "
    "already exiting: not killed, not in oomtrace_oom_kills_total.\n"
    "# TYPE oomtrace_oom_already_exiting_total counter\n"
    "oomtrace_oom_already_exiting_total 1\n"
    "# HELP oomtrace_oom_victims_not_gone_total Victims still not exited 10 s after their kill "
    "(each an oom_not_gone record).\n"
    "# TYPE oomtrace_oom_victims_not_gone_total counter\n"
    "oomtrace_oom_victims_not_gone_total 1\n"
    "# HELP oomtrace_unreconciled_kills OOM kills the kernel counted less those oomtrace "
    "reported: host-wide (/proc/vmstat oom_kill) and summed over the memcgs compared; 0 when "
    "they agree.\n"
    "# TYPE oomtrace_unreconciled_kills gauge\n"
    "oomtrace_unreconciled_kills{scope=\"host\"} 2\n"
    "oomtrace_unreconciled_kills{scope=\"memcg\"} -1\n"
    "# HELP oomtrace_reclaim_passes_total Reclaim passes (direct or memcg) in closed reclaim "
    "episodes, by memcg.\n"
    "# TYPE oomtrace_reclaim_passes_total counter\n"
    "oomtrace_reclaim_passes_total{memcg=\"(unknown)\"} 1\n"
    "oomtrace_reclaim_passes_total{memcg=\"/pods/a\"} 7\n"
    "# HELP oomtrace_reclaim_stall_seconds_total Time tasks spent stalled in reclaim, in "
    "closed reclaim episodes, by memcg.\n"
    "# TYPE oomtrace_reclaim_stall_seconds_total counter\n"
    "oomtrace_reclaim_stall_seconds_total{memcg=\"(unknown)\"} 0.000000001\n"
    "oomtrace_reclaim_stall_seconds_total{memcg=\"/pods/a\"} 2.500000000\n"
    "# HELP oomtrace_reclaim_scanned_pages_total Pages scanned by reclaim in closed reclaim "
    "episodes, by memcg.\n"
    "# TYPE oomtrace_reclaim_scanned_pages_total counter\n"
    "oomtrace_reclaim_scanned_pages_total{memcg=\"(unknown)\"} 0\n"
    "oomtrace_reclaim_scanned_pages_total{memcg=\"/pods/a\"} 300\n"
    "# HELP oomtrace_reclaim_reclaimed_pages_total Pages reclaimed in closed reclaim episodes, "
    "by memcg.\n"
    "# TYPE oomtrace_reclaim_reclaimed_pages_total counter\n"
    "oomtrace_reclaim_reclaimed_pages_total{memcg=\"(unknown)\"} 0\n"
    "oomtrace_reclaim_reclaimed_pages_total{memcg=\"/pods/a\"} 30\n"
    "# HELP oomtrace_dropped_records_total Records lost before oomtrace read them, by type: "
    "the BPF side's (ring buffer full) or the kernel log's (overwritten, --source kmsg).\n"
    "# TYPE oomtrace_dropped_records_total counter\n"
    "oomtrace_dropped_records_total{type=\"oom_kill\"} 0\n"
    "oomtrace_dropped_records_total{type=\"reclaim_stall\"} 5\n"
    "oomtrace_dropped_records_total{type=\"oom_reaped\"} 1\n"
    "oomtrace_dropped_records_total{type=\"kernel_log\"} 2\n"
    "# HELP oomtrace_folded_updates_total Updates counted under memcg=\"(other)\" because the "
    "family already had its maximum number of memcg series, by family.\n"
    "# TYPE oomtrace_folded_updates_total counter\n"
    "oomtrace_folded_updates_total{family=\"oom_kills\"} 0\n"
    "oomtrace_folded_updates_total{family=\"reclaim\"} 0\n";

static void renders_exactly(void **state)
{
	struct metrics *m = metrics__new(METRICS_MAX_SERIES, 1700000000.25);
	unsigned long long dropped[METRICS_DROPPED_TYPES] = { 0, 5, 1, 2 };
	char *s;

	assert_int_equal(metrics__set_info(m, "1.2.3", "mark_victim: \"tp\""), 0);
	assert_int_equal(metrics__add_kill(m, "/pods/a", "c1", "u-1", "MEMCG"), 0);
	assert_int_equal(metrics__add_kill(m, "/pods/a", "c1", "u-1", "MEMCG"), 0);
	assert_int_equal(metrics__add_kill(m, "/pods/a", "c1", "u-1", NULL), 0);
	assert_int_equal(metrics__add_kill(m, NULL, NULL, NULL, "NONE"), 0);
	assert_int_equal(metrics__add_episodes(m, "/pods/a", 1, 3, 2000000000ULL, 100, 10), 0);
	assert_int_equal(metrics__add_episodes(m, "/pods/a", 1, 4, 500000000ULL, 200, 20), 0);
	assert_int_equal(metrics__add_episodes(m, NULL, 1, 1, 1, 0, 0), 0);
	metrics__set_dropped(m, dropped);
	metrics__add_already_exiting(m);
	metrics__add_not_gone(m);
	metrics__set_unreconciled(m, true, 2, true, -1);
	s = render(m);
	assert_string_equal(s, exact);
	free(s);
	/* unknown: the series is left out, not shown as 0 */
	metrics__set_unreconciled(m, false, 2, true, 0);
	s = render(m);
	assert_null(strstr(s, "scope=\"host\""));
	assert_non_null(strstr(s, "oomtrace_unreconciled_kills{scope=\"memcg\"} 0\n"));
	free(s);
	metrics__free(m);
}

/* Verdict pairs that happened, and each program's skipped runs once the kernel counts them. */
static void verdicts_and_missed_runs(void **state)
{
	struct metrics *m = metrics__new(METRICS_MAX_SERIES, 0);
	const char *progs[] = { "reclaim_retry_zone", "victim_exit" };
	unsigned long long runs[] = { 7, 1 };
	char *s;

	metrics__add_verdict(m, LIMIT_MEMCG, FILLED_VICTIM);
	metrics__add_verdict(m, LIMIT_MEMCG, FILLED_VICTIM);
	metrics__add_verdict(m, LIMIT_ZONE_MIN, FILLED_SLAB);
	metrics__add_verdict(m, 99, 99); /* out of range: unknown, never past the table */
	s = render(m);
	assert_non_null(strstr(s, "oomtrace_oom_kill_verdicts_total{limit=\"memcg\",filled=\"victim\"} 2\n"));
	assert_non_null(strstr(s, "oomtrace_oom_kill_verdicts_total{limit=\"zone_min\","
				  "filled=\"unreclaimable_slab\"} 1\n"));
	assert_non_null(strstr(s, "oomtrace_oom_kill_verdicts_total{limit=\"unknown\","
				  "filled=\"unknown\"} 1\n"));
	assert_null(strstr(s, "filled=\"largest\""));
	/* a kernel that counts no skips: no family at all, not a 0 */
	assert_null(strstr(s, "oomtrace_bpf_missed_runs_total"));
	free(s);
	metrics__set_missed_runs(m, progs, runs, 2);
	s = render(m);
	assert_non_null(strstr(s, "oomtrace_bpf_missed_runs_total{program=\"reclaim_retry_zone\"} 7\n"
				  "oomtrace_bpf_missed_runs_total{program=\"victim_exit\"} 1\n"));
	free(s);
	metrics__set_missed_runs(m, progs, runs, 0);
	s = render(m);
	assert_non_null(strstr(s, "# TYPE oomtrace_bpf_missed_runs_total counter\n"));
	assert_null(strstr(s, "program="));
	free(s);
	metrics__free(m);
}

static void series_sort_by_labels(void **state)
{
	struct metrics *m = metrics__new(METRICS_MAX_SERIES, 0);
	char *s, *got;

	/* '"' sorts before '/': a parent before its children */
	metrics__add_episodes(m, "/b", 1, 1, 0, 0, 0);
	metrics__add_episodes(m, "/a/b", 1, 1, 0, 0, 0);
	metrics__add_episodes(m, "/a", 1, 1, 0, 0, 0);
	metrics__add_episodes(m, "/a\"q", 1, 1, 0, 0, 0);
	s = render(m);
	got = lines_of(s, "oomtrace_reclaim_passes_total{");
	assert_string_equal(got, "oomtrace_reclaim_passes_total{memcg=\"/a\"} 1\n"
				 "oomtrace_reclaim_passes_total{memcg=\"/a/b\"} 1\n"
				 "oomtrace_reclaim_passes_total{memcg=\"/a\\\"q\"} 1\n"
				 "oomtrace_reclaim_passes_total{memcg=\"/b\"} 1\n");
	free(got);
	free(s);
	metrics__free(m);
}

static void cardinality_is_capped(void **state)
{
	struct metrics *m = metrics__new(3, 0);
	char path[32], *s, *got;

	for (int i = 0; i < 10; i++) {
		char id[sizeof(path)];

		snprintf(path, sizeof(path), "/c%d", i);
		/* past the cap, each new container would be a new series: folded too */
		snprintf(id, sizeof(id), "%s", i < 3 ? "" : path + 1);
		assert_int_equal(metrics__add_kill(m, path, id, id, i % 2 ? "MEMCG" : "NONE"), 0);
		assert_int_equal(metrics__add_episodes(m, path, 1, 1, 0, 0, 0), 0);
	}
	/* a series that exists goes on counting under its own labels */
	metrics__add_kill(m, "/c0", "", "", "NONE");
	metrics__add_episodes(m, "/c1", 1, 1, 0, 0, 0);
	s = render(m);
	got = lines_of(s, "oomtrace_oom_kills_total{");
	assert_string_equal(
	    got, "oomtrace_oom_kills_total{memcg=\"(other)\",container=\"\",pod_uid=\"\","
		 "constraint=\"MEMCG\"} 4\n"
		 "oomtrace_oom_kills_total{memcg=\"(other)\",container=\"\",pod_uid=\"\","
		 "constraint=\"NONE\"} 3\n"
		 "oomtrace_oom_kills_total{memcg=\"/c0\",container=\"\",pod_uid=\"\","
		 "constraint=\"NONE\"} 2\n"
		 "oomtrace_oom_kills_total{memcg=\"/c1\",container=\"\",pod_uid=\"\","
		 "constraint=\"MEMCG\"} 1\n"
		 "oomtrace_oom_kills_total{memcg=\"/c2\",container=\"\",pod_uid=\"\","
		 "constraint=\"NONE\"} 1\n");
	free(got);
	got = lines_of(s, "oomtrace_reclaim_passes_total{");
	assert_string_equal(got, "oomtrace_reclaim_passes_total{memcg=\"(other)\"} 7\n"
				 "oomtrace_reclaim_passes_total{memcg=\"/c0\"} 1\n"
				 "oomtrace_reclaim_passes_total{memcg=\"/c1\"} 2\n"
				 "oomtrace_reclaim_passes_total{memcg=\"/c2\"} 1\n");
	free(got);
	got = lines_of(s, "oomtrace_folded_updates_total{");
	assert_string_equal(got, "oomtrace_folded_updates_total{family=\"oom_kills\"} 7\n"
				 "oomtrace_folded_updates_total{family=\"reclaim\"} 7\n");
	free(got);
	free(s);
	metrics__free(m);
}

/* Several episodes at once; and those the kernel folded already, as folded updates. */
static void episodes_in_bulk(void **state)
{
	struct metrics *m = metrics__new(METRICS_MAX_SERIES, 0);
	char *s, *got;

	assert_int_equal(metrics__add_episodes(m, "/a", 5, 9, 1500000000ULL, 30, 7), 0);
	assert_int_equal(metrics__add_episodes(m, METRICS_OTHER, 4, 2, 0, 0, 0), 0);
	assert_int_equal(metrics__add_episodes(m, METRICS_OTHER, 2, 1, 0, 0, 0), 0);
	s = render(m);
	got = lines_of(s, "oomtrace_reclaim_passes_total{");
	assert_string_equal(got, "oomtrace_reclaim_passes_total{memcg=\"(other)\"} 3\n"
				 "oomtrace_reclaim_passes_total{memcg=\"/a\"} 9\n");
	free(got);
	assert_non_null(strstr(s, "oomtrace_reclaim_stall_seconds_total{memcg=\"/a\"} 1.500000000\n"));
	assert_non_null(strstr(s, "oomtrace_folded_updates_total{family=\"reclaim\"} 6\n"));
	free(s);
	metrics__free(m);
}

static void generation_moves_on_change_only(void **state)
{
	struct metrics *m = metrics__new(METRICS_MAX_SERIES, 0);
	unsigned long long d[METRICS_DROPPED_TYPES] = { 1, 2, 3 }, g;

	g = metrics__generation(m);
	metrics__set_dropped(m, d);
	assert_true(metrics__generation(m) > g);
	g = metrics__generation(m);
	metrics__set_dropped(m, d);
	metrics__set_up(m, 1);
	assert_int_equal(metrics__generation(m), g);
	metrics__add_episodes(m, "/a", 1, 1, 1, 1, 1);
	assert_true(metrics__generation(m) > g);
	g = metrics__generation(m);
	metrics__set_up(m, 0);
	assert_true(metrics__generation(m) > g);
	metrics__free(m);
}

#define ADDS 20000

static void *add_many(void *arg)
{
	for (int i = 0; i < ADDS; i++)
		metrics__add_episodes(arg, i % 2 ? "/x" : "/y", 1, 1, 1000, 1, 1);
	return NULL;
}

/* renders on one thread while another counts: nothing torn, nothing lost */
static void counts_and_renders_at_once(void **state)
{
	struct metrics *m = metrics__new(METRICS_MAX_SERIES, 0);
	pthread_t th;
	char *s, want[128];

	assert_int_equal(pthread_create(&th, NULL, add_many, m), 0);
	for (int i = 0; i < 200; i++) {
		s = render(m);
		assert_non_null(strstr(s, "oomtrace_folded_updates_total{family=\"reclaim\"} 0\n"));
		free(s);
	}
	pthread_join(th, NULL);
	s = render(m);
	snprintf(want, sizeof(want), "oomtrace_reclaim_passes_total{memcg=\"/x\"} %d\n", ADDS / 2);
	assert_non_null(strstr(s, want));
	free(s);
	metrics__free(m);
}

static void listen_ok(const char *spec, const char *host, unsigned int port)
{
	char h[64];
	unsigned int p = 0;
	const char *why = NULL;

	assert_int_equal(metrics__parse_listen(spec, h, sizeof(h), &p, &why), 0);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
}

static void listen_bad(const char *spec)
{
	char h[64];
	unsigned int p;
	const char *why = NULL;

	assert_int_equal(metrics__parse_listen(spec, h, sizeof(h), &p, &why), -EINVAL);
	assert_non_null(why);
}

static void listen_specs(void **state)
{
	listen_ok("9100", "127.0.0.1", 9100);
	listen_ok(":9100", "127.0.0.1", 9100);
	listen_ok("0.0.0.0:1", "0.0.0.0", 1);
	listen_ok("node.example:65535", "node.example", 65535);
	listen_ok("[::1]:9100", "::1", 9100);
	listen_ok("[::]:80", "::", 80);
	listen_bad("");
	listen_bad(":");
	listen_bad("0");
	listen_bad(":0");
	listen_bad("65536");
	listen_bad("99999999999999999999");
	listen_bad("127.0.0.1");
	listen_bad("127.0.0.1:");
	listen_bad("127.0.0.1:http");
	listen_bad("9100x");
	listen_bad("-1");
	listen_bad("::1:9100");
	listen_bad("[::1]9100");
	listen_bad("[::1");
	listen_bad("[]:9100");
	listen_bad("host:+80");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping),
		cmocka_unit_test(escaping_refuses_a_short_buffer),
		cmocka_unit_test(renders_exactly),
		cmocka_unit_test(series_sort_by_labels),
		cmocka_unit_test(cardinality_is_capped),
		cmocka_unit_test(episodes_in_bulk),
		cmocka_unit_test(generation_moves_on_change_only),
		cmocka_unit_test(counts_and_renders_at_once),
		cmocka_unit_test(listen_specs),
		cmocka_unit_test(verdicts_and_missed_runs),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
