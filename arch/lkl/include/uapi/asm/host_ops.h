/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The host operations: the only way the LKL kernel reaches the world.
 *
 * The embedding program passes one table of these to lkl_start_kernel().
 * The kernel calls nothing else of libc or of the host kernel.  The table
 * is an ABI: its layout is fixed for a given LKL_HOST_OPS_VERSION, and the
 * kernel refuses a table whose version it does not know.
 *
 * Rules every operation may rely on, and every host must keep:
 *  - Operations may be called from any host thread the kernel runs on, and
 *    from several at once: they must be thread-safe.
 *  - An operation that blocks (sem_down, mutex_lock, thread_join) blocks
 *    only the calling host thread.
 *  - Threads created by thread_create must have every host signal blocked,
 *    so that the application's signal handlers run on its own threads.
 *
 * Documentation/lkl/host-ops.rst describes each operation in full.
 */
#ifndef _ASM_UAPI_LKL_HOST_OPS_H
#define _ASM_UAPI_LKL_HOST_OPS_H

/* Bump whenever the layout or the meaning of an operation changes. */
#define LKL_HOST_OPS_VERSION	1

struct lkl_mutex;
struct lkl_sem;
struct lkl_tls_key;
struct lkl_timer;

/* An opaque host thread handle; 0 is never a valid thread. */
typedef unsigned long lkl_thread_t;

/*
 * Large enough for any libc's jmp_buf (sigjmp_buf on glibc is 200 bytes),
 * and aligned for those that need 16 bytes (glibc on ppc64).
 */
struct lkl_jmp_buf {
	unsigned long buf[128];
} __attribute__((aligned(16)));

struct lkl_host_operations {
	/* Must be LKL_HOST_OPS_VERSION. */
	unsigned int version;

	/*
	 * Kernel command-line words the host's devices need, appended to the
	 * command line at boot (e.g. "virtio_mmio.device=..."); may be NULL.
	 */
	const char *boot_args;

	/* Console: write len bytes of kernel log; never blocks for long. */
	void (*print)(const char *str, int len);
	/* The kernel cannot go on: stop the process. Does not return. */
	void (*panic)(void);

	/*
	 * Counting semaphores; down blocks while the count is zero (and goes
	 * on waiting if a signal interrupts it).  sem_alloc with a negative
	 * count returns NULL.
	 */
	struct lkl_sem *(*sem_alloc)(int count);
	void (*sem_free)(struct lkl_sem *sem);
	void (*sem_up)(struct lkl_sem *sem);
	void (*sem_down)(struct lkl_sem *sem);

	/* Mutexes; a recursive one may be re-locked by its owner. */
	struct lkl_mutex *(*mutex_alloc)(int recursive);
	void (*mutex_free)(struct lkl_mutex *mutex);
	void (*mutex_lock)(struct lkl_mutex *mutex);
	void (*mutex_unlock)(struct lkl_mutex *mutex);

	/*
	 * Threads.  thread_create starts fn(arg) on a new joinable thread
	 * with all signals blocked and returns its handle, or 0 on failure.
	 * thread_exit ends the calling thread; thread_join waits for a thread
	 * that exited (0 on success).  gettid is for diagnostics only.
	 */
	lkl_thread_t (*thread_create)(void (*fn)(void *), void *arg);
	void (*thread_exit)(void);
	int (*thread_join)(lkl_thread_t tid);
	lkl_thread_t (*thread_self)(void);
	int (*thread_equal)(lkl_thread_t a, lkl_thread_t b);
	long (*gettid)(void);

	/*
	 * Thread-local keys.  The destructor runs on a thread that exits
	 * with a non-NULL value stored under the key.  tls_alloc returns
	 * NULL on failure; tls_set returns 0 on success, nonzero on failure.
	 */
	struct lkl_tls_key *(*tls_alloc)(void (*destructor)(void *));
	void (*tls_free)(struct lkl_tls_key *key);
	int (*tls_set)(struct lkl_tls_key *key, void *data);
	void *(*tls_get)(struct lkl_tls_key *key);

	/*
	 * Memory: mem_alloc returns size bytes aligned to 4096, or NULL (also
	 * for size 0); the kernel takes its memory region with it at boot.
	 * mem_free takes the same size.
	 */
	void *(*mem_alloc)(unsigned long size);
	void (*mem_free)(void *addr, unsigned long size);

	/* Monotonic time in nanoseconds. */
	unsigned long long (*time)(void);

	/*
	 * One-shot timers.  timer_set_oneshot arms the timer to call fn(arg)
	 * once, delta ns from now, replacing any earlier arming.  fn runs on
	 * a host thread of the host's choice (never a new thread per expiry)
	 * and must not be assumed to hold the kernel's CPU.  timer_free
	 * disarms the timer and waits until fn is not running (unless it is
	 * called from fn itself); arming it meanwhile has no effect.  A delta
	 * too large to represent means "never".
	 */
	struct lkl_timer *(*timer_alloc)(void (*fn)(void *), void *arg);
	int (*timer_set_oneshot)(struct lkl_timer *timer,
				 unsigned long long delta);
	void (*timer_free)(struct lkl_timer *timer);

	/*
	 * I/O memory: ioremap maps a fake physical range registered by a
	 * host device to a cookie address; iomem_access performs a read
	 * (write == 0) or write of size bytes at such an address.  A host
	 * with no devices may return NULL and -1.
	 */
	void *(*ioremap)(long addr, int size);
	int (*iomem_access)(const volatile void *addr, void *val, int size,
			    int write);

	/*
	 * Jump buffers.  jmp_buf_set saves the context in jmpb and calls
	 * fn(arg); it returns when fn returns or when jmp_buf_longjmp(jmpb)
	 * is called from a frame below it on the same thread.
	 */
	void (*jmp_buf_set)(struct lkl_jmp_buf *jmpb, void (*fn)(void *),
			    void *arg);
	void (*jmp_buf_longjmp)(struct lkl_jmp_buf *jmpb, int val);
};

#endif /* _ASM_UAPI_LKL_HOST_OPS_H */
