// SPDX-License-Identifier: GPL-2.0
/*
 * net-bench.c - lkl-net-bench TAP OFFLOAD NATIVE-NETNS [SECONDS [ROUNDTRIPS]]
 * prints figures, never passes or fails: LKL's TCP through a host TAP
 * next to the host's own TCP through the same bridge, in the same run.
 *
 * net-bench.sh runs it inside the namespace that holds the TAP (on a
 * bridge with one veth to the peer namespace and one to the namespace
 * NATIVE-NETNS, 10.77.0.3/24).  The peer, 10.77.0.2, runs `iperf3 -s`
 * on port 5201 and lkl-net-echo on port 5300.  LKL is 10.77.0.1/24 on
 * the TAP, with the virtio-net offload mask OFFLOAD (hex).
 *
 * First the native control, from NATIVE-NETNS (a child process enters
 * it with setns(), before LKL boots): `iperf3 -c` for SECONDS (default
 * 5) each way, then ROUNDTRIPS (default 20000) 1-byte TCP request and
 * response exchanges with the echo server.  Then the same from LKL: an
 * iperf3 client of our own over LKL's sockets (the protocol is below)
 * and the same round-trip loop.
 *
 * Throughput is the receiver's: bytes received over the time taken.
 * CPU s/GB is the client process's CPU time (user + system, all its
 * threads, from getrusage()) per 10^9 bytes it sent or received: the
 * LKL process, or the native iperf3 client.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cjson/cJSON.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/asm-generic/poll.h>
#include <lkl/linux/in.h>
#include <lkl/linux/tcp.h>
#include <lkl/linux/time.h>
#include <lkl/socket.h>

#include "../tests/host-util.h"
#include "../tests/lkl-util.h"
#include "round-trip.h"

#define PEER		"10.77.0.2"
#define IPERF_PORT	5201
#define ECHO_PORT	5300
#define BLOCK		(128 * 1024)	/* iperf3's default for TCP */
#define BOOT_ARGS	"mem=256M loglevel=4"

struct xfer {
	double rate;		/* receiver: bytes per second */
	double bytes;		/* the client sent or received */
	double cpu;		/* the client process's CPU seconds */
};

static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "lkl-net-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* User + system CPU seconds of @who (RUSAGE_SELF, RUSAGE_CHILDREN). */
static double cpu_sec(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* ---- round-trip.h's loop over LKL's sockets ---- */

static long lkl_send(long fd, const void *buf, size_t len)
{
	return lkl_sys_write((unsigned int)fd, buf, len);
}

static long lkl_recv(long fd, void *buf, size_t len)
{
	return lkl_sys_read((unsigned int)fd, buf, len);
}

static const struct sock_ops lkl_ops = { lkl_send, lkl_recv };

/* ---- The native control, in the namespace @netns ---- */

/* Enter network namespace @netns (a name in /run/netns, or a path). */
static int enter_netns(const char *netns)
{
	char path[PATH_MAX];
	int fd, r;

	snprintf(path, sizeof(path), "%s%s",
		 strchr(netns, '/') ? "" : "/run/netns/", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "lkl-net-bench: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	r = setns(fd, CLONE_NEWNET);
	if (r)
		fprintf(stderr, "lkl-net-bench: setns %s: %s\n", path,
			strerror(errno));
	close(fd);
	return r;
}

/* Everything on @fd until EOF, NUL terminated, in a malloc()ed buffer. */
static char *read_fd(int fd)
{
	size_t len = 0, size = 65536;
	char *buf = malloc(size), *more;
	ssize_t r;

	while (buf) {
		if (len + 1 == size) {
			more = realloc(buf, size * 2);
			if (!more)
				break;
			buf = more;
			size *= 2;
		}
		r = read(fd, buf + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			buf[len] = 0;
			return buf;
		}
		len += (size_t)r;
	}
	free(buf);
	die("out of memory reading iperf3's output");
	return NULL;
}

/* The number at dotted @path in @obj (e.g. "end.sum_sent.bytes"). */
static double json_num(const cJSON *obj, const char *path, const char *who)
{
	char key[64];
	const char *p = path, *dot;
	size_t len;

	while (obj && *p) {
		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		snprintf(key, sizeof(key), "%.*s", (int)len, p);
		obj = cJSON_GetObjectItemCaseSensitive(obj, key);
		p += len + (dot != NULL);
	}
	if (!cJSON_IsNumber(obj))
		die("%s: no number \"%s\" in its JSON", who, path);
	return obj->valuedouble;
}

/*
 * One run of `iperf3 -c PEER -t @secs -J [-R]` from @netns: its figures
 * in @x and 0, or -1 with the reason in @err.
 */
static int native_iperf_once(const char *netns, int secs, int reverse,
			     struct xfer *x, char *err, size_t errlen)
{
	char t[16], *out;
	char *argv[] = { "iperf3", "-c", PEER, "-p", "5201", "-t", t, "-J",
			 reverse ? "-R" : NULL, NULL };
	const cJSON *msg;
	double cpu0;
	cJSON *j;
	int pfd[2], st, r = -1;
	pid_t pid;

	snprintf(t, sizeof(t), "%d", secs);
	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	cpu0 = cpu_sec(RUSAGE_CHILDREN);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		if (enter_netns(netns) == 0)
			execvp(argv[0], argv);
		fprintf(stderr, "lkl-net-bench: cannot run iperf3: %s\n",
			strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	out = read_fd(pfd[0]);
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	x->cpu = cpu_sec(RUSAGE_CHILDREN) - cpu0;

	j = cJSON_Parse(out);
	msg = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (cJSON_IsString(msg)) {
		snprintf(err, errlen, "%s", msg->valuestring);
	} else if (!j || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(err, errlen, "exit status %d, output \"%.200s\"",
			 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
			 out);
	} else {
		x->rate = json_num(j, "end.sum_received.bytes", "iperf3") /
			  json_num(j, "end.sum_received.seconds", "iperf3");
		x->bytes = json_num(j, reverse ? "end.sum_received.bytes" :
					   "end.sum_sent.bytes", "iperf3");
		r = 0;
	}
	cJSON_Delete(j);
	free(out);
	return r;
}

/*
 * The native control's throughput.  A run that fails (iperf3 -s resets
 * a connection that comes while it reopens its listening socket after
 * the previous test) is said on stderr and made again, up to 3 times.
 */
static void native_iperf(const char *netns, int secs, int reverse,
			 struct xfer *x)
{
	const char *who = reverse ? "native iperf3 -c -R" : "native iperf3 -c";
	char err[512];
	int i;

	for (i = 1; native_iperf_once(netns, secs, reverse, x, err,
				      sizeof(err)); i++) {
		if (i == 3)
			die("%s: %s", who, err);
		fprintf(stderr, "lkl-net-bench: %s: %s; once more\n", who,
			err);
		host_sleep_ms(500);
	}
}

/* @n round trips from @netns, in a child process. */
static void native_rtt(const char *netns, long n, struct rtt *out)
{
	int pfd[2], st;
	long r = 0;
	pid_t pid;

	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		long fd = -EINVAL;

		close(pfd[0]);
		if (enter_netns(netns) == 0)
			fd = host_connect(PEER, ECHO_PORT);
		r = fd < 0 ? fd : round_trips(&host_ops, fd, n, out);
		if (write(pfd[1], &r, sizeof(r)) != sizeof(r) ||
		    (!r && write(pfd[1], out, sizeof(*out)) != sizeof(*out)))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &r, sizeof(r)) != sizeof(r) ||
	    (!r && read(pfd[0], out, sizeof(*out)) != sizeof(*out)))
		r = -EPIPE;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	if (r)
		die("native round trips to %s:%d from %s: %s", PEER, ECHO_PORT,
		    netns, strerror((int)-r));
}

/* ---- LKL's side ---- */

static long lkl_connect(int port)
{
	struct lkl_sockaddr_in sin = { .sin_family = LKL_AF_INET };
	int one = 1, i;
	long fd, r = 0;

	sin.sin_port = be16((unsigned int)port);
	sin.sin_addr.s_addr = ip4(10, 77, 0, 2);
	/* The server may still be closing the previous test: retry. */
	for (i = 0; i < 50; i++) {
		fd = timed_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0, 30);
		if (fd < 0)
			return fd;
		r = lkl_sys_connect((int)fd, (struct lkl_sockaddr *)&sin,
				    sizeof(sin));
		if (!r) {
			lkl_sys_setsockopt((int)fd, LKL_IPPROTO_TCP,
					   LKL_TCP_NODELAY, (char *)&one,
					   sizeof(one));
			return fd;
		}
		lkl_sys_close((unsigned int)fd);
		host_sleep_ms(100);
	}
	return r;
}

static long write_all(long fd, const void *buf, size_t len)
{
	size_t off;
	long r;

	for (off = 0; off < len; off += (size_t)r) {
		r = lkl_sys_write((unsigned int)fd, (const char *)buf + off,
				  len - off);
		if (r <= 0)
			return r ? r : -LKL_EPIPE;
	}
	return 0;
}

/* Exactly @len bytes: 0, -errno, or -LKL_ECONNRESET at EOF. */
static long read_full(long fd, void *buf, size_t len)
{
	size_t off;
	long r;

	for (off = 0; off < len; off += (size_t)r) {
		r = lkl_sys_read((unsigned int)fd, (char *)buf + off,
				 len - off);
		if (r <= 0)
			return r ? r : -LKL_ECONNRESET;
	}
	return 0;
}

/*
 * iperf3's protocol, as its server (3.x) speaks it.  The client opens a
 * control connection and sends a 37-byte cookie (36 characters of
 * [a-z2-7] and a NUL) that names the test.  From then on the server
 * drives with one-byte states on the control connection; the client
 * answers some of them:
 *   PARAM_EXCHANGE  client sends the test's parameters: JSON text after
 *                   its length (4 bytes, big-endian)
 *   CREATE_STREAMS  client opens each data connection to the same port
 *                   and sends the cookie on it
 *   TEST_START, TEST_RUNNING: data flows, from the client (or from the
 *                   server with "reverse"); the client sends TEST_END
 *                   when its time is up
 *   EXCHANGE_RESULTS: client sends its results (length-prefixed JSON:
 *                   CPU use, and per stream id, bytes, retransmits...),
 *                   then the server sends its own
 *   DISPLAY_RESULTS: client answers IPERF_DONE and closes
 * ACCESS_DENIED (another test is running) and SERVER_ERROR (followed
 * by two 4-byte integers: iperf3's error number and errno) end it.
 */
enum iperf_state {
	TEST_START = 1, TEST_RUNNING = 2, TEST_END = 4, PARAM_EXCHANGE = 9,
	CREATE_STREAMS = 10, EXCHANGE_RESULTS = 13, DISPLAY_RESULTS = 14,
	IPERF_DONE = 16, ACCESS_DENIED = -1, SERVER_ERROR = -2,
};

#define COOKIE_LEN	37
#define MAX_JSON	(1 << 20)

static _Noreturn void lkl_die(const char *what, long err)
{
	die("%s: %s", what, err < 0 ? lkl_strerror((int)err) : "closed");
}

/* The server sent state @s where we wait for @want (named @name). */
static void check_state(long ctl, signed char s, int want, const char *name)
{
	unsigned char b[8];

	if (s == want)
		return;
	if (s == ACCESS_DENIED)
		die("iperf3 server busy with another test (access denied)");
	if (s == SERVER_ERROR) {
		if (read_full(ctl, b, sizeof(b)))
			die("iperf3 server error (no error numbers)");
		die("iperf3 server error %d (errno %d)",
		    (int)((uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]),
		    (int)((uint32_t)b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7]));
	}
	die("iperf3 server sent state %d, expected %s (%d)", s, name, want);
}

static void expect_state(long ctl, int want, const char *name)
{
	signed char s;
	long r;

	r = read_full(ctl, &s, 1);
	if (r)
		die("iperf3 control connection, waiting for %s: %s", name,
		    lkl_strerror((int)r));
	check_state(ctl, s, want, name);
}

/*
 * The control connection, once the server asked for the parameters.
 * After each test iperf3 -s closes its listening socket and opens a new
 * one: a connection still queued on the old one is reset.  Such a reset
 * before the first state is retried, 200 ms later, up to 10 times.
 */
static long iperf_control(const char *cookie)
{
	signed char s;
	long ctl, r;
	int i;

	for (i = 0; i < 10; i++) {
		ctl = lkl_connect(IPERF_PORT);
		if (ctl < 0)
			lkl_die("connecting to iperf3 -s on " PEER ":5201",
				ctl);
		r = write_all(ctl, cookie, COOKIE_LEN);
		if (!r)
			r = read_full(ctl, &s, 1);
		if (!r) {
			check_state(ctl, s, PARAM_EXCHANGE, "PARAM_EXCHANGE");
			return ctl;
		}
		lkl_sys_close((unsigned int)ctl);
		if (r != -LKL_ECONNRESET && r != -LKL_EPIPE)
			break;
		host_sleep_ms(200);
	}
	lkl_die("iperf3 control connection, waiting for PARAM_EXCHANGE", r);
}

static void send_state(long ctl, signed char s)
{
	long r = write_all(ctl, &s, 1);

	if (r)
		lkl_die("iperf3 control connection, sending a state", r);
}

static void send_json(long ctl, cJSON *j)
{
	char *text = cJSON_PrintUnformatted(j);
	unsigned char len[4];
	size_t n;
	long r;

	if (!text)
		die("out of memory for JSON");
	n = strlen(text);
	len[0] = (unsigned char)(n >> 24);
	len[1] = (unsigned char)(n >> 16);
	len[2] = (unsigned char)(n >> 8);
	len[3] = (unsigned char)n;
	r = write_all(ctl, len, 4);
	if (!r)
		r = write_all(ctl, text, n);
	if (r)
		lkl_die("iperf3 control connection, sending JSON", r);
	free(text);
	cJSON_Delete(j);
}

static cJSON *recv_json(long ctl)
{
	unsigned char len[4];
	uint32_t n;
	cJSON *j;
	char *text;
	long r;

	r = read_full(ctl, len, 4);
	if (r)
		lkl_die("iperf3 control connection, reading results", r);
	n = (uint32_t)len[0] << 24 | len[1] << 16 | len[2] << 8 | len[3];
	if (n > MAX_JSON)
		die("iperf3 server's results: %u bytes of JSON?", n);
	text = malloc(n + 1);
	if (!text)
		die("out of memory for %u bytes of JSON", n);
	r = read_full(ctl, text, n);
	if (r)
		lkl_die("iperf3 control connection, reading results", r);
	text[n] = 0;
	j = cJSON_Parse(text);
	if (!j)
		die("iperf3 server's results are not JSON: \"%.200s\"", text);
	free(text);
	return j;
}

static void make_cookie(char cookie[COOKIE_LEN])
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz234567";
	int i;

	srand((unsigned int)(host_ms() * 1000) ^ (unsigned int)getpid());
	for (i = 0; i < COOKIE_LEN - 1; i++)
		cookie[i] = chars[rand() % 32];
	cookie[COOKIE_LEN - 1] = 0;
}

/* Read and drop data on @data until the server speaks on @ctl. */
static void drain_until_state(long ctl, long data)
{
	static char buf[BLOCK];
	struct lkl_pollfd p[2] = {
		{ .fd = (int)ctl, .events = LKL_POLLIN },
		{ .fd = (int)data, .events = LKL_POLLIN },
	};
	unsigned int n = 2;
	long r;

	for (;;) {
		r = lkl_sys_poll(p, n, 30000);
		if (r <= 0)
			lkl_die("waiting for the iperf3 server's results",
				r ? r : -LKL_ETIMEDOUT);
		if (p[0].revents)
			return;
		/*
		 * The server ends the stream when the test ends: closed,
		 * or reset if what we sent was still unread.
		 */
		r = lkl_sys_read((unsigned int)data, buf, sizeof(buf));
		if (r == 0 || r == -LKL_ECONNRESET)
			n = 1;
		else if (r < 0)
			lkl_die("iperf3 data stream, after the test", r);
	}
}

/* TCP retransmissions on LKL socket @fd so far, or -1 if unknown. */
static double retransmits(long fd)
{
	struct lkl_tcp_info ti;
	int len = sizeof(ti);

	if (lkl_sys_getsockopt((int)fd, LKL_IPPROTO_TCP, LKL_TCP_INFO,
			       (char *)&ti, &len) < 0)
		return -1;
	return ti.tcpi_total_retrans;
}

/* Our iperf3 client on LKL: @secs of TCP to the server (from: @reverse). */
static void lkl_iperf(int secs, int reverse, struct xfer *x)
{
	static char buf[BLOCK];
	char cookie[COOKIE_LEN];
	double t0, t, cpu0, bytes = 0, user0, user;
	cJSON *j, *streams, *s;
	struct rusage ru;
	long ctl, data, r;

	memset(buf, 0x5a, sizeof(buf));
	make_cookie(cookie);
	ctl = iperf_control(cookie);

	j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "tcp", 1);
	cJSON_AddNumberToObject(j, "omit", 0);
	cJSON_AddNumberToObject(j, "time", secs);
	cJSON_AddNumberToObject(j, "parallel", 1);
	cJSON_AddNumberToObject(j, "len", BLOCK);
	if (reverse)
		cJSON_AddBoolToObject(j, "reverse", 1);
	send_json(ctl, j);

	expect_state(ctl, CREATE_STREAMS, "CREATE_STREAMS");
	data = lkl_connect(IPERF_PORT);
	if (data < 0)
		lkl_die("iperf3 data connection", data);
	r = write_all(data, cookie, COOKIE_LEN);
	if (r)
		lkl_die("iperf3 data connection, sending the cookie", r);
	expect_state(ctl, TEST_START, "TEST_START");
	expect_state(ctl, TEST_RUNNING, "TEST_RUNNING");

	getrusage(RUSAGE_SELF, &ru);
	user0 = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	cpu0 = cpu_sec(RUSAGE_SELF);
	t0 = host_sec();
	do {
		if (reverse) {
			r = lkl_sys_read((unsigned int)data, buf, sizeof(buf));
		} else {
			r = write_all(data, buf, sizeof(buf));
			if (!r)
				r = BLOCK;
		}
		if (r <= 0)
			lkl_die("iperf3 data stream", r);
		bytes += r;
		t = host_sec() - t0;
	} while (t < secs);
	x->cpu = cpu_sec(RUSAGE_SELF) - cpu0;
	getrusage(RUSAGE_SELF, &ru);
	user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 - user0;
	x->bytes = bytes;

	send_state(ctl, TEST_END);
	drain_until_state(ctl, data);
	expect_state(ctl, EXCHANGE_RESULTS, "EXCHANGE_RESULTS");
	j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "cpu_util_total", 100 * x->cpu / t);
	cJSON_AddNumberToObject(j, "cpu_util_user", 100 * user / t);
	cJSON_AddNumberToObject(j, "cpu_util_system",
				100 * (x->cpu - user) / t);
	cJSON_AddNumberToObject(j, "sender_has_retransmits", !reverse);
	streams = cJSON_AddArrayToObject(j, "streams");
	s = cJSON_CreateObject();
	cJSON_AddItemToArray(streams, s);
	cJSON_AddNumberToObject(s, "id", 1);
	cJSON_AddNumberToObject(s, "bytes", bytes);
	cJSON_AddNumberToObject(s, "retransmits",
				reverse ? -1 : retransmits(data));
	cJSON_AddNumberToObject(s, "jitter", 0);
	cJSON_AddNumberToObject(s, "errors", 0);
	cJSON_AddNumberToObject(s, "packets", 0);
	cJSON_AddNumberToObject(s, "start_time", 0);
	cJSON_AddNumberToObject(s, "end_time", t);
	send_json(ctl, j);

	j = recv_json(ctl);
	if (reverse) {
		x->rate = bytes / t;
	} else {
		s = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j,
							"streams"), 0);
		x->rate = json_num(s, "bytes", "iperf3 server's results") /
			  (json_num(s, "end_time", "iperf3 server's results") -
			   json_num(s, "start_time", "iperf3 server's results"));
	}
	cJSON_Delete(j);
	expect_state(ctl, DISPLAY_RESULTS, "DISPLAY_RESULTS");
	send_state(ctl, IPERF_DONE);
	lkl_sys_close((unsigned int)data);
	lkl_sys_close((unsigned int)ctl);
}

static void lkl_rtt(long n, struct rtt *out)
{
	long fd = lkl_connect(ECHO_PORT), r;

	if (fd < 0)
		lkl_die("LKL connecting to the echo server " PEER ":5300", fd);
	r = round_trips(&lkl_ops, fd, n, out);
	if (r)
		lkl_die("LKL round trips", r);
	lkl_sys_close((unsigned int)fd);
}

static void lkl_boot(const char *tap, unsigned long long offload)
{
	static const unsigned char mac[6] = { 2, 0, 0, 0x77, 0, 1 };
	int id, ifindex, r;

	id = lkl_netdev_add_tap(tap, mac, 1500, offload);
	if (id < 0)
		die("lkl_netdev_add_tap %s, offload %#llx: %s", tap, offload,
		    lkl_strerror(id));
	lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (r)
		die("lkl_start_kernel: %s", lkl_strerror(r));
	ifindex = lkl_netdev_get_ifindex(id);
	if (ifindex < 0)
		die("lkl_netdev_get_ifindex: %s", lkl_strerror(ifindex));
	r = lkl_if_up(ifindex);
	if (!r)
		r = lkl_if_set_ipv4(ifindex, ip4(10, 77, 0, 1), 24);
	if (r)
		die("LKL's interface up with 10.77.0.1/24: %s",
		    lkl_strerror(r));
}

/* ---- Output ---- */

static const char *offload_name(unsigned long long m)
{
	static char name[64];

	if (!m)
		return "none";
	snprintf(name, sizeof(name), "%s%s%s",
		 m & LKL_NETDEV_OFFLOAD_CSUM ? "csum" : "",
		 m & LKL_NETDEV_OFFLOAD_TSO ? "+TSO" : "",
		 m & LKL_NETDEV_OFFLOAD_MRG_RXBUF ? "+MRG_RXBUF" : "");
	return name;
}

static void print_xfer(const char *what, const struct xfer *lkl,
		       const struct xfer *nat)
{
	printf("  %-12s LKL %6.2f Gbit/s  native %6.2f Gbit/s  ratio %4.2f  CPU s/GB: LKL %5.2f native %5.2f\n",
	       what,
	       lkl->rate * 8e-9, nat->rate * 8e-9, lkl->rate / nat->rate,
	       lkl->cpu / (lkl->bytes * 1e-9), nat->cpu / (nat->bytes * 1e-9));
}

static long number_arg(const char *s, long min, long max, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || end == s || v < min || v > max)
		die("%s '%s': expected a number from %ld to %ld", what, s, min,
		    max);
	return v;
}

int main(int argc, char **argv)
{
	struct xfer lkl_tx, lkl_rx, nat_tx, nat_rx;
	struct rtt lkl_r, nat_r;
	unsigned long long offload;
	struct if_frames f;
	long secs = 5, n = 20000;
	char *end;

	if (argc < 4 || argc > 6) {
		fprintf(stderr,
			"usage: %s TAP OFFLOAD NATIVE-NETNS [SECONDS [ROUNDTRIPS]]\n",
			argv[0]);
		return 2;
	}
	offload = strtoull(argv[2], &end, 16);
	if (*end || end == argv[2] || offload & ~LKL_NETDEV_OFFLOAD_ALL)
		die("offload '%s': expected a hex mask of %#llx bits",
		    argv[2], LKL_NETDEV_OFFLOAD_ALL);
	if (argc > 4)
		secs = number_arg(argv[4], 1, 600, "seconds");
	if (argc > 5)
		n = number_arg(argv[5], 100, 10000000, "round trips");

	/* The native control first, while this process has one thread. */
	native_iperf(argv[3], (int)secs, 0, &nat_tx);
	native_iperf(argv[3], (int)secs, 1, &nat_rx);
	native_rtt(argv[3], n, &nat_r);

	lkl_boot(argv[1], offload);
	lkl_iperf((int)secs, 0, &lkl_tx);
	lkl_iperf((int)secs, 1, &lkl_rx);
	lkl_rtt(n, &lkl_r);

	printf("offload %#llx (%s)\n", offload, offload_name(offload));
	print_xfer("LKL->native", &lkl_tx, &nat_tx);
	print_xfer("native->LKL", &lkl_rx, &nat_rx);
	printf("  %-12s LKL median %5.1f us p99 %5.1f us  native median %5.1f us p99 %5.1f us  ratio %4.2f\n",
	       "round trip", lkl_r.median, lkl_r.p99, nat_r.median, nat_r.p99,
	       lkl_r.median / nat_r.median);
	if (if_frames("eth0", &f) == 0 && f.tx_packets && f.rx_packets)
		printf("  %-12s LKL's eth0: %llu bytes per frame sent, %llu received\n",
		       "frames", f.tx_bytes / f.tx_packets,
		       f.rx_bytes / f.rx_packets);
	lkl_sys_halt();
	return 0;
}
