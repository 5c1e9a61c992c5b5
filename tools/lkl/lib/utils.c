// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the host library: error texts and mounting the kernel's
 * virtual filesystems.
 */
#include <stdio.h>
#include <string.h>

#include <lkl.h>
#include <lkl/linux/stat.h>

/* Texts for the kernel's generic errno numbers (asm-generic/errno*.h). */
static const char *const err_texts[] = {
	[LKL_EPERM] = "Operation not permitted",
	[LKL_ENOENT] = "No such file or directory",
	[LKL_ESRCH] = "No such process",
	[LKL_EINTR] = "Interrupted system call",
	[LKL_EIO] = "Input/output error",
	[LKL_ENXIO] = "No such device or address",
	[LKL_E2BIG] = "Argument list too long",
	[LKL_ENOEXEC] = "Exec format error",
	[LKL_EBADF] = "Bad file descriptor",
	[LKL_ECHILD] = "No child processes",
	[LKL_EAGAIN] = "Resource temporarily unavailable",
	[LKL_ENOMEM] = "Out of memory",
	[LKL_EACCES] = "Permission denied",
	[LKL_EFAULT] = "Bad address",
	[LKL_ENOTBLK] = "Block device required",
	[LKL_EBUSY] = "Device or resource busy",
	[LKL_EEXIST] = "File exists",
	[LKL_EXDEV] = "Cross-device link",
	[LKL_ENODEV] = "No such device",
	[LKL_ENOTDIR] = "Not a directory",
	[LKL_EISDIR] = "Is a directory",
	[LKL_EINVAL] = "Invalid argument",
	[LKL_ENFILE] = "Too many open files in system",
	[LKL_EMFILE] = "Too many open files",
	[LKL_ENOTTY] = "Inappropriate ioctl for device",
	[LKL_ETXTBSY] = "Text file busy",
	[LKL_EFBIG] = "File too large",
	[LKL_ENOSPC] = "No space left on device",
	[LKL_ESPIPE] = "Illegal seek",
	[LKL_EROFS] = "Read-only file system",
	[LKL_EMLINK] = "Too many links",
	[LKL_EPIPE] = "Broken pipe",
	[LKL_EDOM] = "Argument out of the function's domain",
	[LKL_ERANGE] = "Result out of range",
	[LKL_EDEADLK] = "Resource deadlock avoided",
	[LKL_ENAMETOOLONG] = "File name too long",
	[LKL_ENOLCK] = "No locks available",
	[LKL_ENOSYS] = "Function not implemented",
	[LKL_ENOTEMPTY] = "Directory not empty",
	[LKL_ELOOP] = "Too many levels of symbolic links",
	[LKL_ENOMSG] = "No message of the desired type",
	[LKL_EIDRM] = "Identifier removed",
	[LKL_ECHRNG] = "Channel number out of range",
	[LKL_EL2NSYNC] = "Level 2 not synchronized",
	[LKL_EL3HLT] = "Level 3 halted",
	[LKL_EL3RST] = "Level 3 reset",
	[LKL_ELNRNG] = "Link number out of range",
	[LKL_EUNATCH] = "Protocol driver not attached",
	[LKL_ENOCSI] = "No CSI structure available",
	[LKL_EL2HLT] = "Level 2 halted",
	[LKL_EBADE] = "Invalid exchange",
	[LKL_EBADR] = "Invalid request descriptor",
	[LKL_EXFULL] = "Exchange full",
	[LKL_ENOANO] = "No anode",
	[LKL_EBADRQC] = "Invalid request code",
	[LKL_EBADSLT] = "Invalid slot",
	[LKL_EBFONT] = "Bad font file format",
	[LKL_ENOSTR] = "Device not a stream",
	[LKL_ENODATA] = "No data available",
	[LKL_ETIME] = "Timer expired",
	[LKL_ENOSR] = "Out of streams resources",
	[LKL_ENONET] = "Machine is not on the network",
	[LKL_ENOPKG] = "Package not installed",
	[LKL_EREMOTE] = "Object is remote",
	[LKL_ENOLINK] = "Link has been severed",
	[LKL_EADV] = "Advertise error",
	[LKL_ESRMNT] = "Srmount error",
	[LKL_ECOMM] = "Communication error on send",
	[LKL_EPROTO] = "Protocol error",
	[LKL_EMULTIHOP] = "Multihop attempted",
	[LKL_EDOTDOT] = "RFS specific error",
	[LKL_EBADMSG] = "Bad message",
	[LKL_EOVERFLOW] = "Value too large for its data type",
	[LKL_ENOTUNIQ] = "Name not unique on network",
	[LKL_EBADFD] = "File descriptor in bad state",
	[LKL_EREMCHG] = "Remote address changed",
	[LKL_ELIBACC] = "Cannot access a needed shared library",
	[LKL_ELIBBAD] = "Accessing a corrupted shared library",
	[LKL_ELIBSCN] = ".lib section in a.out corrupted",
	[LKL_ELIBMAX] = "Too many shared libraries",
	[LKL_ELIBEXEC] = "Cannot exec a shared library directly",
	[LKL_EILSEQ] = "Invalid or incomplete multibyte character",
	[LKL_ERESTART] = "Interrupted system call should be restarted",
	[LKL_ESTRPIPE] = "Streams pipe error",
	[LKL_EUSERS] = "Too many users",
	[LKL_ENOTSOCK] = "Socket operation on non-socket",
	[LKL_EDESTADDRREQ] = "Destination address required",
	[LKL_EMSGSIZE] = "Message too long",
	[LKL_EPROTOTYPE] = "Protocol wrong type for socket",
	[LKL_ENOPROTOOPT] = "Protocol not available",
	[LKL_EPROTONOSUPPORT] = "Protocol not supported",
	[LKL_ESOCKTNOSUPPORT] = "Socket type not supported",
	[LKL_EOPNOTSUPP] = "Operation not supported",
	[LKL_EPFNOSUPPORT] = "Protocol family not supported",
	[LKL_EAFNOSUPPORT] = "Address family not supported by protocol",
	[LKL_EADDRINUSE] = "Address already in use",
	[LKL_EADDRNOTAVAIL] = "Cannot assign requested address",
	[LKL_ENETDOWN] = "Network is down",
	[LKL_ENETUNREACH] = "Network is unreachable",
	[LKL_ENETRESET] = "Network dropped connection on reset",
	[LKL_ECONNABORTED] = "Software caused connection abort",
	[LKL_ECONNRESET] = "Connection reset by peer",
	[LKL_ENOBUFS] = "No buffer space available",
	[LKL_EISCONN] = "Transport endpoint is already connected",
	[LKL_ENOTCONN] = "Transport endpoint is not connected",
	[LKL_ESHUTDOWN] = "Cannot send after transport endpoint shutdown",
	[LKL_ETOOMANYREFS] = "Too many references: cannot splice",
	[LKL_ETIMEDOUT] = "Connection timed out",
	[LKL_ECONNREFUSED] = "Connection refused",
	[LKL_EHOSTDOWN] = "Host is down",
	[LKL_EHOSTUNREACH] = "No route to host",
	[LKL_EALREADY] = "Operation already in progress",
	[LKL_EINPROGRESS] = "Operation now in progress",
	[LKL_ESTALE] = "Stale file handle",
	[LKL_EUCLEAN] = "Structure needs cleaning",
	[LKL_ENOTNAM] = "Not a XENIX named type file",
	[LKL_ENAVAIL] = "No XENIX semaphores available",
	[LKL_EISNAM] = "Is a named type file",
	[LKL_EREMOTEIO] = "Remote I/O error",
	[LKL_EDQUOT] = "Disk quota exceeded",
	[LKL_ENOMEDIUM] = "No medium found",
	[LKL_EMEDIUMTYPE] = "Wrong medium type",
	[LKL_ECANCELED] = "Operation canceled",
	[LKL_ENOKEY] = "Required key not available",
	[LKL_EKEYEXPIRED] = "Key has expired",
	[LKL_EKEYREVOKED] = "Key has been revoked",
	[LKL_EKEYREJECTED] = "Key was rejected by service",
	[LKL_EOWNERDEAD] = "Owner died",
	[LKL_ENOTRECOVERABLE] = "State not recoverable",
	[LKL_ERFKILL] = "Operation not possible due to RF-kill",
	[LKL_EHWPOISON] = "Memory page has hardware error",
};

#define NR_ERR_TEXTS	(int)(sizeof(err_texts) / sizeof(err_texts[0]))

const char *lkl_strerror(int err)
{
	if (err == 0)
		return "Success";
	/* Compare before negating: -INT_MIN does not exist. */
	if (err < 0 && err > -NR_ERR_TEXTS)
		err = -err;
	if (err <= 0 || err >= NR_ERR_TEXTS || !err_texts[err])
		return "Unknown error";
	return err_texts[err];
}

void lkl_perror(const char *msg, int err)
{
	if (msg && *msg)
		fprintf(stderr, "%s: %s\n", msg, lkl_strerror(err));
	else
		fprintf(stderr, "%s\n", lkl_strerror(err));
}

/* Longer names than this are no filesystem type the kernel has. */
#define FSTYPE_MAX	64

/*
 * Whether path is the root of a mount already.  Asked before mounting
 * because most virtual filesystems stack a second mount instead of
 * failing with EBUSY.
 */
static int is_mount_root(const char *path)
{
	struct lkl_statx stx;

	if (lkl_sys_statx(LKL_AT_FDCWD, path, LKL_AT_SYMLINK_NOFOLLOW, 0,
			  &stx) < 0)
		return 0;
	return (stx.stx_attributes_mask & LKL_STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & LKL_STATX_ATTR_MOUNT_ROOT);
}

int lkl_mount_fs(const char *fstype)
{
	char path[FSTYPE_MAX + 2];	/* "/" fstype NUL */
	size_t len;
	long err;

	if (!fstype)
		return -LKL_EINVAL;
	len = strlen(fstype);
	/* One path component, and not one naming an existing directory. */
	if (len == 0 || strchr(fstype, '/') || !strcmp(fstype, ".") ||
	    !strcmp(fstype, ".."))
		return -LKL_EINVAL;
	if (len > FSTYPE_MAX)
		return -LKL_ENAMETOOLONG;
	path[0] = '/';
	memcpy(path + 1, fstype, len + 1);

	err = lkl_sys_mkdirat(LKL_AT_FDCWD, path, 0700);
	if (err < 0 && err != -LKL_EEXIST)
		return (int)err;
	if (is_mount_root(path))
		return 0;
	/* mount(2) takes writable strings: path + 1 is our copy of fstype. */
	err = lkl_sys_mount(path + 1, path, path + 1, 0, NULL);
	if (err == -LKL_EBUSY)
		return 0;
	return (int)err;
}
