// SPDX-License-Identifier: GPL-2.0
/*
 * demo.c - a tour of LKL: a Linux kernel running inside this process.
 *
 * Boots the kernel (its log goes to stderr), looks at it from inside with
 * uname and /proc, writes a file on tmpfs, sends 16 MiB over TCP on the
 * kernel's own loopback between two threads, and shuts it down.
 *
 * Usage: demo [kernel command line]     (default "mem=64M")
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -I<installed headers> -Itools/lkl/include
 *        tools/lkl/demo/demo.c -L<dir of liblkl> -llkl -lpthread
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/if.h>
#include <lkl/linux/in.h>
#include <lkl/linux/sockios.h>
#include <lkl/linux/utsname.h>

#define MiB (1024 * 1024)
#define XFER_SIZE (16 * MiB)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void step(const char *what)
{
	printf("\n=== %s\n", what);
	fflush(stdout);
}

static void die(const char *what, long err)
{
	lkl_perror(what, err);
	exit(1);
}

static long read_file(const char *path, char *buf, size_t size)
{
	long fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY, 0), r;
	size_t len = 0;

	if (fd < 0)
		return fd;
	while (len < size - 1 &&
	       (r = lkl_sys_read(fd, buf + len, size - 1 - len)) > 0)
		len += r;
	buf[len] = 0;
	lkl_sys_close(fd);
	return len;
}

/* Prints the lines of text that start with prefix. */
static void print_lines(const char *text, const char *prefix)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (!strncmp(p, prefix, strlen(prefix)))
			printf("  %.*s\n", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

/* ---- TCP over the kernel's loopback ---- */

struct xfer {
	struct lkl_sockaddr_in addr;
	long lfd;
	long err;
	size_t received;
	/* order-sensitive checksums of the stream on each side */
	unsigned long long sum_sent, sum_received;
};

static unsigned char byte_at(size_t i)
{
	return (unsigned char)(i * 31 + (i >> 12));
}

static void *sender(void *arg)
{
	static unsigned char buf[64 * 1024];
	struct xfer *x = arg;
	size_t off = 0, i;
	long fd, r;

	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
	r = fd < 0 ? fd : lkl_sys_connect(fd, (void *)&x->addr,
					  sizeof(x->addr));
	if (r < 0) {
		x->err = r;
		return NULL;
	}
	while (off < XFER_SIZE) {
		size_t done = 0;

		for (i = 0; i < sizeof(buf); i++) {
			buf[i] = byte_at(off + i);
			x->sum_sent = x->sum_sent * 31 + buf[i];
		}
		while (done < sizeof(buf)) {
			r = lkl_sys_sendto(fd, buf + done, sizeof(buf) - done,
					   LKL_MSG_NOSIGNAL, NULL, 0);
			if (r <= 0) {
				x->err = r;
				goto out;
			}
			done += r;
		}
		off += sizeof(buf);
	}
out:
	lkl_sys_close(fd);
	return NULL;
}

static void *receiver(void *arg)
{
	static unsigned char buf[64 * 1024];
	struct xfer *x = arg;
	long fd, r, i;

	fd = lkl_sys_accept4(x->lfd, NULL, NULL, 0);
	if (fd < 0) {
		x->err = fd;
		return NULL;
	}
	while ((r = lkl_sys_recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL)) > 0) {
		for (i = 0; i < r; i++)
			x->sum_received = x->sum_received * 31 + buf[i];
		x->received += r;
	}
	lkl_sys_close(fd);
	return NULL;
}

static void bring_lo_up(void)
{
	struct lkl_ifreq ifr;
	long fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0), r;

	if (fd < 0)
		die("socket", fd);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_ifrn.ifrn_name, "lo");
	r = lkl_sys_ioctl(fd, LKL_SIOCGIFFLAGS, (long)&ifr);
	if (r == 0) {
		ifr.ifr_ifru.ifru_flags |= LKL_IFF_UP;
		r = lkl_sys_ioctl(fd, LKL_SIOCSIFFLAGS, (long)&ifr);
	}
	if (r < 0)
		die("bringing lo up", r);
	lkl_sys_close(fd);
}

static void tcp_demo(void)
{
	static const unsigned char lo[4] = { 127, 0, 0, 1 };
	struct xfer x;
	pthread_t ts, tr;
	int len = sizeof(x.addr);
	double t0, dt;
	long r;

	memset(&x, 0, sizeof(x));
	bring_lo_up();
	printf("  interface lo is up\n");

	x.addr.sin_family = LKL_AF_INET;
	memcpy(&x.addr.sin_addr, lo, 4);
	x.lfd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
	if (x.lfd < 0)
		die("socket", x.lfd);
	r = lkl_sys_bind(x.lfd, (void *)&x.addr, len);
	if (r == 0)
		r = lkl_sys_listen(x.lfd, 1);
	if (r == 0)
		r = lkl_sys_getsockname(x.lfd, (void *)&x.addr, &len);
	if (r < 0)
		die("listen", r);
	{
		const unsigned char *p = (const void *)&x.addr.sin_port;

		printf("  listening on 127.0.0.1:%u\n", p[0] << 8 | p[1]);
	}

	t0 = now_ms();
	pthread_create(&tr, NULL, receiver, &x);
	pthread_create(&ts, NULL, sender, &x);
	pthread_join(ts, NULL);
	pthread_join(tr, NULL);
	dt = now_ms() - t0;
	lkl_sys_close(x.lfd);

	if (x.err)
		die("transfer", x.err);
	printf("  sent %d MiB from one thread to another: %zu bytes arrived\n",
	       XFER_SIZE / MiB, x.received);
	printf("  checksum sent %016llx, received %016llx: %s\n", x.sum_sent,
	       x.sum_received,
	       x.sum_sent == x.sum_received && x.received == XFER_SIZE ?
	       "match" : "MISMATCH");
	printf("  took %.1f ms (%.1f MiB/s)\n", dt,
	       XFER_SIZE / (double)MiB / (dt / 1e3));
}

int main(int argc, char **argv)
{
	const char *cmdline = argc > 1 ? argv[1] : "mem=64M";
	const char *text = "Hello from a file inside the Linux kernel.\n";
	struct lkl_new_utsname u;
	char buf[4096];
	double t0;
	long r, fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	step("Booting the kernel (its log follows, on stderr)");
	printf("  command line: \"%s\"\n", cmdline);
	t0 = now_ms();
	r = lkl_start_kernel(&lkl_host_ops, cmdline);
	if (r < 0)
		die("lkl_start_kernel", r);
	printf("  booted in %.1f ms\n", now_ms() - t0);

	step("Who are we? uname() made inside the kernel");
	memset(&u, 0, sizeof(u));
	r = lkl_sys_uname(&u);
	if (r < 0)
		die("uname", r);
	printf("  %s %s %s %s %s\n", u.sysname, u.nodename, u.release,
	       u.version, u.machine);
	printf("  getpid() = %ld\n", lkl_sys_getpid());

	step("Mounting /proc and reading it");
	t0 = now_ms();
	r = lkl_mount_fs("proc");
	if (r < 0)
		die("mount proc", r);
	if (read_file("/proc/version", buf, sizeof(buf)) > 0)
		printf("  /proc/version: %s", buf);
	if (read_file("/proc/meminfo", buf, sizeof(buf)) > 0) {
		printf("  /proc/meminfo:\n");
		print_lines(buf, "MemTotal:");
		print_lines(buf, "MemFree:");
	}
	printf("  took %.2f ms\n", now_ms() - t0);

	step("Writing and reading back a file on tmpfs");
	t0 = now_ms();
	r = lkl_mount_fs("tmpfs");
	if (r < 0)
		die("mount tmpfs", r);
	fd = lkl_sys_openat(LKL_AT_FDCWD, "/tmpfs/hello.txt",
			    LKL_O_CREAT | LKL_O_RDWR | LKL_O_TRUNC, 0644);
	if (fd < 0)
		die("open /tmpfs/hello.txt", fd);
	r = lkl_sys_write(fd, text, strlen(text));
	printf("  wrote %ld bytes to /tmpfs/hello.txt\n", r);
	memset(buf, 0, sizeof(buf));
	r = lkl_sys_pread64(fd, buf, sizeof(buf) - 1, 0);
	printf("  read back %ld bytes: %s", r, buf);
	printf("  content %s\n", strcmp(buf, text) ? "DIFFERS" : "matches");
	lkl_sys_close(fd);
	printf("  took %.2f ms\n", now_ms() - t0);

	step("TCP over the kernel's own loopback interface");
	tcp_demo();

	step("Halting the kernel");
	t0 = now_ms();
	r = lkl_sys_halt();
	if (r < 0)
		die("halt", r);
	printf("  halted in %.1f ms; a syscall now returns: %s\n",
	       now_ms() - t0, lkl_strerror(lkl_sys_getpid()));
	return 0;
}
