// SPDX-License-Identifier: GPL-2.0
/*
 * mptcp-kunit.c - the MPTCP KUnit suites of the kernel tree (mptcp-crypto,
 * mptcp-token: net/mptcp/crypto_test.c, token_test.c) run inside LKL.
 *
 * KUnit runs the suites built in at boot, before lkl_start_kernel()
 * returns, and prints their results as KTAP on the kernel log.  This
 * program boots with kunit.filter_glob=mptcp-*, reads the log back
 * (syslog READ_ALL), and turns every KTAP result line into a check:
 * each test case, and each suite.  Both suites must be there, each with
 * a case at least.  It needs a kernel with CONFIG_KUNIT and
 * CONFIG_MPTCP_KUNIT_TEST (arch/lkl/configs/kunit.config, `make
 * test-kunit`); with another kernel it skips, saying so.
 */
#include <stdlib.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

#define BOOT_ARGS	"mem=64M loglevel=4 kunit.enable=1 " \
			"kunit.filter_glob=mptcp-*"
/* SYSLOG_ACTION_READ_ALL: the whole log buffer, without clearing it. */
#define SYSLOG_READ_ALL	3
/* The log buffer (CONFIG_LOG_BUF_SHIFT 16) with its line prefixes. */
#define LOG_LEN		(256 * 1024)

static const char *const suites[] = { "mptcp-crypto", "mptcp-token" };
#define N_SUITES	(sizeof(suites) / sizeof(suites[0]))

/* Per suite: its cases seen, and whether its own result line was. */
static int cases[N_SUITES], suite_seen[N_SUITES];

/* The index of suite @name, or -1. */
static int suite_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_SUITES; i++)
		if (!strcmp(name, suites[i]))
			return (int)i;
	return -1;
}

/*
 * One KTAP line, the log's "<level>[time] " prefix removed: "# Subtest:
 * NAME" opens a suite, an indented "ok N NAME" / "not ok N NAME" is a
 * case of it, one at the left margin the suite's own result.
 */
static void ktap_line(const char *line, int *cur)
{
	char text[256], name[128], *p;
	int indent = 0, ok, n;

	while (line[indent] == ' ')
		indent++;
	line += indent;
	if (sscanf(line, "# Subtest: %127s", name) == 1) {
		*cur = suite_index(name);
		return;
	}
	ok = !strncmp(line, "ok ", 3);
	if (!ok && strncmp(line, "not ok ", 7))
		return;
	if (sscanf(line + (ok ? 3 : 7), "%d %127s", &n, name) != 2)
		return;
	/* A directive ("# SKIP reason") makes it neither pass nor fail. */
	p = strstr(line, " # SKIP");
	if (indent == 0) {
		n = suite_index(name);
		if (n < 0)
			return;
		suite_seen[n] = 1;
		snprintf(text, sizeof(text), "suite %s", name);
	} else {
		if (*cur < 0)
			return;
		cases[*cur]++;
		snprintf(text, sizeof(text), "%s: %s", suites[*cur], name);
	}
	if (p)
		test_skip(text, "%s", p + 3);
	else
		check(ok, text, "%s", line);
}

/* Walk the log's lines; KTAP ones are printed as comments too. */
static void read_ktap(char *log)
{
	char *line, *save = NULL, *text;
	int cur = -1;

	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		text = line;
		if (text[0] == '<')
			text = strchr(text, '>') ? strchr(text, '>') + 1 : text;
		if (text[0] == '[')
			text = strstr(text, "] ") ? strstr(text, "] ") + 2 :
						     text;
		if (strstr(text, "KTAP") || strstr(text, "ok ") ||
		    strstr(text, "# "))
			printf("# | %s\n", text);
		ktap_line(text, &cur);
	}
}

int main(void)
{
	static char log[LOG_LEN];
	unsigned int i;
	long n;
	int r;

	test_section("boot with the KUnit suites", 120);
	lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (!check(r == 0, "boot", "%s", lkl_strerror(r)))
		return test_done();
	n = lkl_sys_syslog(SYSLOG_READ_ALL, log, sizeof(log) - 1);
	if (!check(n > 0, "kernel log read back (syslog)", "%s",
		   lkl_strerror((int)n)))
		return test_done();
	log[n] = 0;
	if (!strstr(log, "KTAP version")) {
		test_skip("MPTCP KUnit suites", "%s",
			  "no KTAP on the kernel log: a kernel without KUnit (`make test-kunit` builds one with CONFIG_KUNIT and CONFIG_MPTCP_KUNIT_TEST)");
	} else {
		read_ktap(log);
		for (i = 0; i < N_SUITES; i++) {
			char name[64];
			const char *line = suite_seen[i] ? "result line" :
							   "no result line";

			snprintf(name, sizeof(name), "suite %s ran its cases",
				 suites[i]);
			check(suite_seen[i] && cases[i] > 0, name,
			      "%s, %d case results", line, cases[i]);
		}
	}
	test_section("halt", 60);
	CHECK_EQ("lkl_sys_halt", lkl_sys_halt(), 0);
	return test_done();
}
