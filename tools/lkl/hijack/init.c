// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's life in a hijacked process.
 *
 * The constructor, before main(), resolves the host's functions, sizes
 * the fd table and checks the configuration.  The kernel itself starts
 * on the first call that needs it (a socket of one of LKL's address
 * families): a program that never makes one, such as a shell that only
 * starts other hijacked programs, never holds the TAP they need.
 *
 * At exit (return from main() or exit(); the destructor runs after the
 * program's atexit handlers) LKL's sockets are closed, as a process's
 * are when it ends, the data they still hold is given up to
 * LKL_HIJACK_EXIT_LINGER seconds to leave (the host kernel would keep
 * sending it after the process is gone; LKL ends with the process), and
 * the kernel halts.  A fatal signal ends the process without any of
 * this, as it would end any process: nothing waits.
 *
 * fork(): see fork.c.  The child of a process whose kernel ran starts
 * a kernel of its own on its first LKL socket, with loopback only; its
 * inherited LKL fds are orphans.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/fcntl.h>
#include <lkl/linux/time.h>
#include <lkl/linux/time_types.h>

#include "hijack.h"

enum { DOWN, RUNNING, FAILED };

static atomic_int state = DOWN;
/* This thread is starting the kernel: its sockets are the host's. */
static __thread int booting;
static pthread_mutex_t boot_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * LKL's wall clock starts at 1970; a program compares the timestamps
 * of its sockets (SO_TIMESTAMP, which ping uses) with the host's.  It
 * is set twice: the first LKL call of the booting thread takes some
 * 100 us (its task is made), which the clock would lag by.
 */
static int set_time_once(void)
{
	struct __lkl__kernel_timespec lts;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	lts.tv_sec = ts.tv_sec;
	lts.tv_nsec = ts.tv_nsec;
	return (int)lkl_sys_clock_settime(LKL_CLOCK_REALTIME, &lts);
}

static int set_time(void)
{
	int r = set_time_once();

	return r ? r : set_time_once();
}

static int boot(char *err, size_t len)
{
	char cmdline[1024];
	int r;

	lkl_host_log_fd = hijack_debug ? 2 : -1;
	r = config_add_devices(err, len);
	if (r < 0)
		return r;
	r = config_boot_cmdline(cmdline, sizeof(cmdline));
	if (r < 0) {
		snprintf(err, len, "the boot command line is too long");
		return r;
	}
	hijack_log("starting the kernel: %s", cmdline);
	r = lkl_start_kernel(&lkl_host_ops, cmdline);
	if (r < 0) {
		snprintf(err, len, "the kernel did not start: %s",
			 lkl_strerror(r));
		return r;
	}
	r = set_time();
	if (!r)
		r = config_apply(err, len);
	else
		snprintf(err, len, "setting LKL's clock: %s", lkl_strerror(r));
	if (r < 0) {
		lkl_sys_halt();
		return r;
	}
	hijack_log("the kernel runs");
	if (config_fork_shares())
		proxy_root_start();
	return 0;
}

int hijack_booting(void)
{
	return booting;
}

int hijack_boot(void)
{
	char err[512] = "";
	int r = 0;

	if (atomic_load(&state) == RUNNING)
		return 0;
	/* Handlers wait for the end of boot (signal.c), lock released. */
	hijack_lkl_enter();
	pthread_mutex_lock(&boot_lock);
	if (atomic_load(&state) == DOWN && config_fork_shares() &&
	    proxy_attach()) {
		atomic_store(&state, RUNNING);	/* the family's kernel */
	} else if (atomic_load(&state) == DOWN) {
		booting = 1;
		r = boot(err, sizeof(err));
		booting = 0;
		atomic_store(&state, r < 0 ? FAILED : RUNNING);
	}
	r = atomic_load(&state) == RUNNING ? 0 : ENETDOWN;
	pthread_mutex_unlock(&boot_lock);
	hijack_lkl_leave();
	if (err[0]) {
		fprintf(stderr, "lkl-hijack: %s\n", err);
		exit(78);
	}
	return r;
}

/* Whether LKL still has TCP data to send or a close to complete. */
static int tcp_busy(const char *path)
{
	static char buf[1 << 16];
	long fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY, 0), n;
	size_t used = 0;
	unsigned int st, tx;
	char *line;

	if (fd < 0)
		return 0;
	while (used < sizeof(buf) - 1) {
		n = lkl_sys_read((int)fd, buf + used, sizeof(buf) - 1 - used);
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	lkl_sys_close((int)fd);
	buf[used] = 0;
	for (line = strchr(buf, '\n'); line; line = strchr(line + 1, '\n')) {
		/* "sl local rem st tx_queue:rx_queue ..." */
		if (sscanf(line, "%*s %*s %*s %x %x:", &st, &tx) != 2)
			continue;
		/* FIN_WAIT1, LAST_ACK, CLOSING: our FIN is not acked yet. */
		if (tx || st == 4 || st == 9 || st == 11)
			return 1;
	}
	return 0;
}

static void close_lkl_fd(int fd, int lfd)
{
	(void)lfd;
	fdt_close(fd);
}

static void __attribute__((destructor)) hijack_fini(void)
{
	long long end;

	if (atomic_load(&state) != RUNNING)
		return;
	hijack_lkl_enter();
	fdt_for_each(close_lkl_fd);
	if (proxy_remote()) {
		/* The kernel is the root's: it goes on, and sends what is left. */
		proxy_exit();
		hijack_lkl_leave();
		return;
	}
	end = hijack_now_ms() + 1000LL * config_exit_linger();
	while ((tcp_busy("/proc/net/tcp") || tcp_busy("/proc/net/tcp6")) &&
	       hijack_now_ms() < end)
		usleep(10 * 1000);
	config_dump();
	atomic_store(&state, DOWN);
	hijack_log("halting the kernel");
	lkl_sys_halt();
	hijack_lkl_leave();
}

int hijack_running(void)
{
	return atomic_load(&state) == RUNNING;
}

/*
 * A fork() the hijack did not see (daemon(), made inside libc): the
 * child gets a kernel of its own; the state goes back to DOWN with the
 * rest of the segment.  proxy.c's fork() handles its child itself.
 */
static void after_fork_child(void)
{
	if (atomic_load(&state) == RUNNING && !proxy_forking())
		fork_reset_child();
	fdt_set_owner();
}

static void __attribute__((constructor)) hijack_init(void)
{
	real_resolve();
	fdt_init();
	fdt_set_owner();
	config_load();
	pthread_atfork(NULL, NULL, after_fork_child);
	/* Started by a hijacked process: join its family (proxy.c). */
	if (config_fork_shares())
		proxy_env_check();
	if (config_delay_main())
		usleep(config_delay_main());
}
