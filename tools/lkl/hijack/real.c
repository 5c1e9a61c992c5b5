// SPDX-License-Identifier: GPL-2.0
/*
 * The host libc's own definitions of every call the hijack wraps.
 *
 * They are looked up with dlsym(RTLD_NEXT), i.e. in the objects loaded
 * after liblkl-hijack.so, which is where the program's calls would have
 * gone.  LKL's host library (linked into this .so) calls read(), poll(),
 * close()... on its own host fds through our wrappers too; that is safe
 * because those fds are never in the fd table, so the wrappers hand them
 * straight to these pointers without taking a lock or starting anything.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hijack.h"

struct hijack_real real;

static void *lookup(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p) {
		/* No host function to fall back on: nothing can work. */
		fprintf(stderr, "lkl-hijack: the host libc has no %s()\n",
			name);
		_exit(127);
	}
	return p;
}

#define RESOLVE(name) (real.name = lookup(#name))
/* Newer calls (glibc 2.34): NULL where the libc has none. */
#define RESOLVE_OPTIONAL(name) (real.name = dlsym(RTLD_NEXT, #name))

static atomic_int resolved;

static void resolve_all(void)
{
	fork_snapshot();
	RESOLVE(socket);
	RESOLVE(socketpair);
	RESOLVE(bind);
	RESOLVE(listen);
	RESOLVE(accept);
	RESOLVE(accept4);
	RESOLVE(connect);
	RESOLVE(send);
	RESOLVE(sendto);
	RESOLVE(sendmsg);
	RESOLVE(sendmmsg);
	RESOLVE(recv);
	RESOLVE(recvfrom);
	RESOLVE(recvmsg);
	RESOLVE(recvmmsg);
	RESOLVE(shutdown);
	RESOLVE(getsockopt);
	RESOLVE(setsockopt);
	RESOLVE(getsockname);
	RESOLVE(getpeername);
	RESOLVE(read);
	RESOLVE(write);
	RESOLVE(readv);
	RESOLVE(writev);
	RESOLVE(close);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(fcntl);
	RESOLVE(ioctl);
	RESOLVE(sendfile);
	RESOLVE(sendfile64);
	RESOLVE(splice);
	RESOLVE(poll);
	RESOLVE(ppoll);
	RESOLVE(select);
	RESOLVE(pselect);
	RESOLVE(epoll_create);
	RESOLVE(epoll_create1);
	RESOLVE(epoll_ctl);
	RESOLVE(epoll_wait);
	RESOLVE(epoll_pwait);
	RESOLVE(fork);
	RESOLVE(sigaction);
	RESOLVE_OPTIONAL(close_range);
	RESOLVE_OPTIONAL(closefrom);
}

/*
 * Another library's constructor may call socket() before ours ran, so
 * every wrapper makes sure; after the first time this is one load.
 * Threads racing here resolve the same pointers twice, which is
 * harmless (no lock: fork.c's copy of the segment must not hold one).
 */
void real_resolve(void)
{
	if (atomic_load_explicit(&resolved, memory_order_acquire))
		return;
	resolve_all();
	atomic_store_explicit(&resolved, 1, memory_order_release);
}
