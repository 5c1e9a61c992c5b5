// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - figures about LKL, never a pass or fail: the cost of a system
 * call into LKL next to a real one into the host kernel, boot and halt
 * time, and the memory a booted kernel takes.
 *
 * Usage: bench [calls per round]      (default 1000000; best of 5 rounds)
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -I<installed headers> -Itools/lkl/include
 *        tools/lkl/bench/bench.c -L<dir of liblkl> -llkl -lpthread
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#define ROUNDS 5

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Best (lowest) ns per call over ROUNDS rounds of n calls of fn. */
static double best_ns(long (*fn)(void), long n)
{
	double best = 0;
	int round;
	long i;

	for (round = 0; round < ROUNDS; round++) {
		double t0 = now_ns(), per;

		for (i = 0; i < n; i++)
			fn();
		per = (now_ns() - t0) / n;
		if (round == 0 || per < best)
			best = per;
	}
	return best;
}

static long host_getpid(void)
{
	return syscall(SYS_getpid);
}

static long lkl_getpid(void)
{
	return lkl_sys_getpid();
}

/* VmHWM/VmRSS of the host process, in KiB, from the host's /proc. */
static long host_status_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t len = strlen(field);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void print_memory(const char *when)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("%-28s ru_maxrss %6ld KiB   VmHWM %6ld KiB   VmRSS %6ld KiB\n",
	       when, ru.ru_maxrss, host_status_kib("VmHWM"),
	       host_status_kib("VmRSS"));
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	const char *cmdline = "mem=64M loglevel=4";
	double t0, boot_ms, halt_ms, host_ns, lkl_ns;
	long r;

	if (n <= 0)
		n = 1000000;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("LKL benchmark: %ld calls per round, best of %d rounds\n\n",
	       n, ROUNDS);
	print_memory("before boot:");

	host_ns = best_ns(host_getpid, n);

	lkl_host_log_fd = -1;
	t0 = now_ns();
	r = lkl_start_kernel(&lkl_host_ops, cmdline);
	if (r < 0) {
		lkl_perror("lkl_start_kernel", r);
		return 1;
	}
	r = lkl_sys_getpid();
	boot_ms = (now_ns() - t0) / 1e6;
	if (r < 0) {
		lkl_perror("first syscall", r);
		return 1;
	}
	print_memory("after boot (\"mem=64M\"):");

	lkl_ns = best_ns(lkl_getpid, n);
	print_memory("after the syscall rounds:");

	t0 = now_ns();
	r = lkl_sys_halt();
	halt_ms = (now_ns() - t0) / 1e6;
	if (r < 0)
		lkl_perror("lkl_sys_halt", r);

	printf("\n");
	printf("host  syscall(SYS_getpid)  %8.1f ns/call\n", host_ns);
	printf("lkl   lkl_sys_getpid()     %8.1f ns/call\n", lkl_ns);
	printf("ratio lkl / host           %8.2f\n",
	       host_ns > 0 ? lkl_ns / host_ns : 0);
	printf("boot  (start to first syscall return) %8.1f ms\n", boot_ms);
	printf("halt  (lkl_sys_halt)                  %8.1f ms\n", halt_ms);
	return 0;
}
