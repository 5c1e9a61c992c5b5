// SPDX-License-Identifier: GPL-2.0
/*
 * The host operations on POSIX: threads, synchronisation, memory, time.
 * Timers live in posix-timer.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* syscall() and MAP_ANONYMOUS on glibc */
#endif
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include <lkl_host.h>
#include "posix-host.h"
#include "virtio.h"

/* Kernel code (and its interrupt handlers) may run deep call chains. */
#define THREAD_STACK_SIZE	(2UL << 20)

/* mem_alloc promises this alignment; every host page is at least this. */
#define MEM_ALIGN		4096UL

_Static_assert(sizeof(pthread_t) <= sizeof(lkl_thread_t),
	       "pthread_t must fit in lkl_thread_t");
_Static_assert(sizeof(jmp_buf) <= sizeof(struct lkl_jmp_buf),
	       "jmp_buf must fit in struct lkl_jmp_buf");
_Static_assert(_Alignof(jmp_buf) <= _Alignof(struct lkl_jmp_buf),
	       "struct lkl_jmp_buf is not aligned enough for jmp_buf");

int lkl_host_log_fd = 2;

static void host_print(const char *str, int len)
{
	int fd = lkl_host_log_fd;
	ssize_t n;

	if (fd < 0 || !str)
		return;
	while (len > 0) {
		n = write(fd, str, (size_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		/* A full pipe or a closed fd: drop the log, never block. */
		if (n <= 0)
			return;
		str += n;
		len -= (int)n;
	}
}

static void host_panic(void)
{
	abort();
}

/* A host primitive failed where the ABI leaves no way to report it. */
static void host_fatal(const char *what)
{
	static const char prefix[] = "lkl: host operation failed: ";

	host_print(prefix, (int)sizeof(prefix) - 1);
	host_print(what, (int)strlen(what));
	host_print("\n", 1);
	abort();
}

struct lkl_sem {
	sem_t sem;
};

static struct lkl_sem *host_sem_alloc(int count)
{
	struct lkl_sem *s;

	if (count < 0 || (unsigned int)count > (unsigned int)SEM_VALUE_MAX)
		return NULL;
	s = malloc(sizeof(*s));
	if (!s)
		return NULL;
	if (sem_init(&s->sem, 0, (unsigned int)count) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void host_sem_free(struct lkl_sem *s)
{
	if (!s)
		return;
	sem_destroy(&s->sem);
	free(s);
}

static void host_sem_up(struct lkl_sem *s)
{
	if (sem_post(&s->sem) != 0)
		host_fatal("sem_post");
}

static void host_sem_down(struct lkl_sem *s)
{
	/* A signal handler on this thread interrupts sem_wait: go back. */
	while (sem_wait(&s->sem) != 0) {
		if (errno != EINTR)
			host_fatal("sem_wait");
	}
}

struct lkl_mutex {
	pthread_mutex_t mutex;
};

static struct lkl_mutex *host_mutex_alloc(int recursive)
{
	pthread_mutexattr_t attr;
	struct lkl_mutex *m;
	int err;

	m = malloc(sizeof(*m));
	if (!m)
		return NULL;
	if (pthread_mutexattr_init(&attr) != 0)
		goto fail;
	err = 0;
	if (recursive)
		err = pthread_mutexattr_settype(&attr,
						PTHREAD_MUTEX_RECURSIVE);
	if (!err)
		err = pthread_mutex_init(&m->mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	if (err)
		goto fail;
	return m;
fail:
	free(m);
	return NULL;
}

static void host_mutex_free(struct lkl_mutex *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->mutex);
	free(m);
}

static void host_mutex_lock(struct lkl_mutex *m)
{
	if (pthread_mutex_lock(&m->mutex) != 0)
		host_fatal("pthread_mutex_lock");
}

static void host_mutex_unlock(struct lkl_mutex *m)
{
	if (pthread_mutex_unlock(&m->mutex) != 0)
		host_fatal("pthread_mutex_unlock");
}

/* pthread_t may be an integer, a pointer or a struct: copy its bytes. */
static lkl_thread_t to_lkl_thread(pthread_t th)
{
	lkl_thread_t t = 0;

	memcpy(&t, &th, sizeof(th));
	return t;
}

static pthread_t to_pthread(lkl_thread_t t)
{
	pthread_t th;

	memcpy(&th, &t, sizeof(th));
	return th;
}

int lkl_posix_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	pthread_attr_t attr;
	int err;

	err = pthread_attr_init(&attr);
	if (err)
		return err;
	err = pthread_attr_setstacksize(&attr, THREAD_STACK_SIZE);
	if (!err)
		err = pthread_attr_setdetachstate(&attr,
						  PTHREAD_CREATE_JOINABLE);
	if (err)
		goto out;
	/* The new thread inherits the mask: block all only around create. */
	sigfillset(&all);
	err = pthread_sigmask(SIG_SETMASK, &all, &old);
	if (err)
		goto out;
	err = pthread_create(thread, &attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
	pthread_attr_destroy(&attr);
	return err;
}

struct thread_start {
	void (*fn)(void *);
	void *arg;
};

static void *thread_trampoline(void *p)
{
	struct thread_start start = *(struct thread_start *)p;

	free(p);
	start.fn(start.arg);
	return NULL;
}

static lkl_thread_t host_thread_create(void (*fn)(void *), void *arg)
{
	struct thread_start *start;
	pthread_t th;

	start = malloc(sizeof(*start));
	if (!start)
		return 0;
	start->fn = fn;
	start->arg = arg;
	if (lkl_posix_thread_start(&th, thread_trampoline, start) != 0) {
		free(start);
		return 0;
	}
	return to_lkl_thread(th);
}

static void host_thread_exit(void)
{
	pthread_exit(NULL);
}

static int host_thread_join(lkl_thread_t t)
{
	return pthread_join(to_pthread(t), NULL) ? -1 : 0;
}

static lkl_thread_t host_thread_self(void)
{
	return to_lkl_thread(pthread_self());
}

static int host_thread_equal(lkl_thread_t a, lkl_thread_t b)
{
	return pthread_equal(to_pthread(a), to_pthread(b));
}

static long host_gettid(void)
{
#ifdef __linux__
	return syscall(SYS_gettid);
#else
	/* For diagnostics only; no portable numeric id exists. */
	return (long)host_thread_self();
#endif
}

struct lkl_tls_key {
	pthread_key_t key;
};

static struct lkl_tls_key *host_tls_alloc(void (*destructor)(void *))
{
	struct lkl_tls_key *k;

	k = malloc(sizeof(*k));
	if (!k)
		return NULL;
	if (pthread_key_create(&k->key, destructor) != 0) {
		free(k);
		return NULL;
	}
	return k;
}

static void host_tls_free(struct lkl_tls_key *k)
{
	if (!k)
		return;
	pthread_key_delete(k->key);
	free(k);
}

static int host_tls_set(struct lkl_tls_key *k, void *data)
{
	return pthread_setspecific(k->key, data) ? -1 : 0;
}

static void *host_tls_get(struct lkl_tls_key *k)
{
	return pthread_getspecific(k->key);
}

static void *host_mem_alloc(unsigned long size)
{
	void *p;

	if (size == 0)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Only a host with pages under 4 KiB could fail this. */
	if ((unsigned long)p % MEM_ALIGN) {
		munmap(p, size);
		return NULL;
	}
	return p;
}

static void host_mem_free(void *addr, unsigned long size)
{
	if (addr)
		munmap(addr, size);
}

unsigned long long lkl_posix_time(void)
{
	struct timespec ts;

	/* Cannot fail for CLOCK_MONOTONIC, which POSIX hosts must have. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		host_fatal("clock_gettime");
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
	       (unsigned long long)ts.tv_nsec;
}

static const struct {
	int host, lkl;
} errno_map[] = {
	{ EPERM, LKL_EPERM }, { ENOENT, LKL_ENOENT }, { EINTR, LKL_EINTR },
	{ EIO, LKL_EIO }, { ENXIO, LKL_ENXIO }, { EBADF, LKL_EBADF },
	{ EAGAIN, LKL_EAGAIN }, { ENOMEM, LKL_ENOMEM },
	{ EACCES, LKL_EACCES }, { EFAULT, LKL_EFAULT },
	{ ENOTBLK, LKL_ENOTBLK }, { EBUSY, LKL_EBUSY },
	{ EEXIST, LKL_EEXIST }, { ENODEV, LKL_ENODEV },
	{ ENOTDIR, LKL_ENOTDIR }, { EISDIR, LKL_EISDIR },
	{ EINVAL, LKL_EINVAL }, { ENFILE, LKL_ENFILE },
	{ EMFILE, LKL_EMFILE }, { ENOTTY, LKL_ENOTTY },
	{ ETXTBSY, LKL_ETXTBSY }, { EFBIG, LKL_EFBIG },
	{ ENOSPC, LKL_ENOSPC }, { ESPIPE, LKL_ESPIPE },
	{ EROFS, LKL_EROFS }, { ENAMETOOLONG, LKL_ENAMETOOLONG },
	{ ENOSYS, LKL_ENOSYS }, { ELOOP, LKL_ELOOP },
	{ EOVERFLOW, LKL_EOVERFLOW }, { EOPNOTSUPP, LKL_EOPNOTSUPP },
	{ EDQUOT, LKL_EDQUOT }, { ENOMEDIUM, LKL_ENOMEDIUM },
	/* Sockets: network backends. */
	{ EPIPE, LKL_EPIPE }, { ENOTSOCK, LKL_ENOTSOCK },
	{ EMSGSIZE, LKL_EMSGSIZE }, { ENOBUFS, LKL_ENOBUFS },
	{ ECONNRESET, LKL_ECONNRESET }, { ECONNREFUSED, LKL_ECONNREFUSED },
	{ ENOTCONN, LKL_ENOTCONN }, { ENETDOWN, LKL_ENETDOWN },
	{ ENETUNREACH, LKL_ENETUNREACH }, { EHOSTUNREACH, LKL_EHOSTUNREACH },
	{ EADDRINUSE, LKL_EADDRINUSE }, { EADDRNOTAVAIL, LKL_EADDRNOTAVAIL },
	{ ENOLINK, LKL_ENOLINK }, { ENOPROTOOPT, LKL_ENOPROTOOPT },
	{ EPROTONOSUPPORT, LKL_EPROTONOSUPPORT },
	{ EAFNOSUPPORT, LKL_EAFNOSUPPORT }, { ETIMEDOUT, LKL_ETIMEDOUT },
	{ EPROTO, LKL_EPROTO },
};

int lkl_posix_errno(int host_errno)
{
	size_t i;

	for (i = 0; i < sizeof(errno_map) / sizeof(errno_map[0]); i++)
		if (errno_map[i].host == host_errno)
			return -errno_map[i].lkl;
	return -LKL_EIO;
}

static void host_jmp_buf_set(struct lkl_jmp_buf *jmpb, void (*fn)(void *),
			     void *arg)
{
	jmp_buf *jb = (jmp_buf *)(void *)jmpb->buf;

	if (setjmp(*jb) == 0)
		fn(arg);
}

static void host_jmp_buf_longjmp(struct lkl_jmp_buf *jmpb, int val)
{
	longjmp(*(jmp_buf *)(void *)jmpb->buf, val);
}

struct lkl_host_operations lkl_host_ops = {
	.version = LKL_HOST_OPS_VERSION,
	.print = host_print,
	.panic = host_panic,
	.sem_alloc = host_sem_alloc,
	.sem_free = host_sem_free,
	.sem_up = host_sem_up,
	.sem_down = host_sem_down,
	.mutex_alloc = host_mutex_alloc,
	.mutex_free = host_mutex_free,
	.mutex_lock = host_mutex_lock,
	.mutex_unlock = host_mutex_unlock,
	.thread_create = host_thread_create,
	.thread_exit = host_thread_exit,
	.thread_join = host_thread_join,
	.thread_self = host_thread_self,
	.thread_equal = host_thread_equal,
	.gettid = host_gettid,
	.tls_alloc = host_tls_alloc,
	.tls_free = host_tls_free,
	.tls_set = host_tls_set,
	.tls_get = host_tls_get,
	.mem_alloc = host_mem_alloc,
	.mem_free = host_mem_free,
	.time = lkl_posix_time,
	.timer_alloc = lkl_posix_timer_alloc,
	.timer_set_oneshot = lkl_posix_timer_set_oneshot,
	.timer_free = lkl_posix_timer_free,
	/* Host devices: the virtio-mmio windows (virtio.c). */
	.ioremap = lkl_virtio_ioremap,
	.iomem_access = lkl_virtio_iomem_access,
	.jmp_buf_set = host_jmp_buf_set,
	.jmp_buf_longjmp = host_jmp_buf_longjmp,
};
