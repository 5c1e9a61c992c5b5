/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkl_host.h - what the host library provides beside the kernel: the
 * POSIX host operations and host devices (disks, network devices).
 */
#ifndef _LKL_HOST_H
#define _LKL_HOST_H

#include <lkl.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The host operations implemented on POSIX threads and clocks
 * (tools/lkl/lib/posix-host.c).  Start the kernel with
 * lkl_start_kernel(&lkl_host_ops, "mem=64M").
 */
extern struct lkl_host_operations lkl_host_ops;

/*
 * Where lkl_host_ops.print writes the kernel log: a host fd (default 2,
 * stderr), or -1 to discard it.  Set before lkl_start_kernel().
 */
extern int lkl_host_log_fd;

/* ---- Disks (tools/lkl/lib/virtio_blk.c, disk.c) ---- */

/*
 * Host files and block devices become virtio-blk disks of the kernel (vda,
 * vdb, ... in probe order; lkl_mount_disk() finds which is which).  They
 * belong here, not in lkl.h, because the POSIX host library serves them.
 * Disks are added before lkl_start_kernel(), as there is no hot-plug:
 * adding one announces it in lkl_host_ops.boot_args, so add every disk
 * before passing (or copying) lkl_host_ops to lkl_start_kernel().  Each
 * disk's requests are served by a host thread of its own, which the
 * kernel starts at boot and stops when it halts: after lkl_sys_halt() the
 * process has the threads it had before boot, with or without
 * lkl_disk_remove(), which only closes the disk and frees it.
 */

/* Disks at the same time. */
#define LKL_DISK_MAX	16

struct lkl_disk {
	/* In: the host file or block device; NULL to use fd instead. */
	const char *path;
	/*
	 * In, when path is NULL: an open host fd.  LKL uses a duplicate of
	 * it; the caller's fd stays the caller's to close.
	 */
	int fd;
	/*
	 * In: nonzero gives the kernel a read-only disk (VIRTIO_BLK_F_RO;
	 * lkl_mount_disk() then mounts it read-only).  The file is opened
	 * read-only; a writable disk needs write access on the host.
	 */
	int readonly;
	/* Out: on failure, a message naming the path and the cause. */
	char error[256];
};

/**
 * lkl_disk_add - give the kernel a disk, before lkl_start_kernel()
 * @disk: what to add; @disk->error gets a message on failure
 *
 * The disk's size is the file's, or the block device's, in whole 512-byte
 * sectors.  Discard and write-zeroes are offered when the host file can
 * have holes punched; flushes are fdatasync().  The disk's serial (in
 * /sys/block/vdX/serial) is "lkl-disk-<id>".  Returns the disk's id (>= 0), or a negative errno:
 * -LKL_ENOENT (no such file), -LKL_EACCES / -LKL_EROFS / -LKL_EPERM (a
 * file the host lets us read only, added writable), -LKL_EBADF (an fd
 * open read-only, added writable), -LKL_EISDIR / -LKL_EINVAL (not a
 * file or block device), -LKL_ENOSPC (LKL_DISK_MAX disks already),
 * -LKL_EBUSY (the kernel is running).
 */
int lkl_disk_add(struct lkl_disk *disk);

/**
 * lkl_disk_remove - close disk @id and free it
 *
 * Call it before lkl_start_kernel() (the kernel then never sees the disk)
 * or after lkl_sys_halt(); a halted kernel has let go of its disks
 * already, so a program may as well exit without it.  Returns 0,
 * -LKL_EBUSY while the kernel is running, -LKL_EINVAL or -LKL_ENODEV for
 * a bad id.
 */
int lkl_disk_remove(int id);

/**
 * lkl_mount_disk - mount disk @id, or one of its partitions, in the kernel
 * @id: from lkl_disk_add()
 * @part: 0 for the whole disk, N for its Nth partition (MBR or GPT, as the
 *        kernel reads them)
 * @fstype: "ext4", "vfat", "btrfs", "xfs", ...
 * @flags: LKL_MS_* mount flags; LKL_MS_RDONLY is added for a read-only disk
 * @opts: filesystem options ("errors=remount-ro", ...), or NULL
 * @mnt: gets the mount point, "/mnt/<device name>" (e.g. /mnt/vda1)
 * @mnt_len: bytes at @mnt
 *
 * Finds the disk's block device through sysfs (mounting it at /sysfs if
 * it is not), creates its node in /dev, creates the mount point and
 * mounts.  Returns 0, or a negative errno: -LKL_ENODEV (no such disk),
 * -LKL_ENXIO (no such partition), -LKL_ERANGE (@mnt too small), or what
 * mount(2) says: -LKL_EINVAL (no @fstype filesystem on it), -LKL_ENODEV
 * (no such filesystem type), ...
 */
long lkl_mount_disk(int id, unsigned int part, const char *fstype, int flags,
		    const char *opts, char *mnt, unsigned int mnt_len);

/**
 * lkl_umount_disk - unmount what lkl_mount_disk() mounted
 * @id, @part: as given to lkl_mount_disk()
 * @flags: umount2() flags, usually 0 (2 is MNT_DETACH)
 *
 * Unmounts /mnt/<device name> and removes the directory.  Returns 0 or a
 * negative errno (-LKL_EINVAL when it is not mounted, -LKL_EBUSY when a
 * file on it is open).
 */
long lkl_umount_disk(int id, unsigned int part, int flags);

/* ---- Network devices (virtio_net.c, net_*.c) ---- */

/*
 * A network device of the kernel (a virtio-net NIC, eth0, eth1, ... in
 * probe order) whose frames a backend carries.  Like disks, network
 * devices are added before lkl_start_kernel(), each one served by a host
 * thread that the kernel starts at boot and stops when it halts.
 *
 * Offloads are virtio-net feature bits, given as a mask of
 * (1ULL << LKL_VIRTIO_NET_F_*) when a device is added:
 *   CSUM        the kernel hands over frames whose TCP/UDP checksum is
 *               left to be filled in (virtio-net header NEEDS_CSUM)
 *   GUEST_CSUM  frames may arrive that way (the kernel trusts them)
 *   HOST_TSO4/6 the kernel sends TCP segments of up to 64 KiB, for the
 *               backend (or the host behind it) to cut (needs CSUM)
 *   GUEST_TSO4/6 it receives them (needs GUEST_CSUM)
 *   MRG_RXBUF   a received frame may span several of the kernel's
 *               receive buffers: with GUEST_TSO, the LRO path
 * The device offers what was asked and the backend can carry (struct
 * lkl_netdev_backend's @offload); what the backend cannot carry is
 * dropped with a message on the kernel log, never passed on to corrupt
 * data.  A frame that arrives with an offload the kernel did not accept
 * is dropped, but for a partial checksum, which is filled in.
 */
/* Network devices at the same time. */
#define LKL_NETDEV_MAX		16
/* The virtio-net header before every frame (struct virtio_net_hdr_v1). */
#define LKL_NETDEV_HDR_LEN	12

/* Offload masks: bits 0, 1, 7, 8, 11, 12 and 15 of the virtio-net features. */
#define LKL_NETDEV_OFFLOAD_CSUM		0x0003ULL	/* CSUM | GUEST_CSUM */
#define LKL_NETDEV_OFFLOAD_TSO		0x1980ULL	/* HOST/GUEST_TSO4/6 */
#define LKL_NETDEV_OFFLOAD_MRG_RXBUF	0x8000ULL
/* Everything above: what "full offload" means. */
#define LKL_NETDEV_OFFLOAD_ALL		0x9983ULL

struct iovec;

/*
 * How frames leave and enter a network device.  Every frame is a
 * LKL_NETDEV_HDR_LEN-byte virtio-net header followed by an Ethernet frame
 * (no FCS).  Both calls are made by the device's thread and must not
 * block: they return -LKL_EAGAIN instead, and the thread poll()s @fd
 * (POLLIN to receive, POLLOUT to send).
 */
struct lkl_netdev_backend {
	/* A pollable host fd. */
	int fd;
	/*
	 * The offloads (LKL_NETDEV_OFFLOAD_* bits) the backend can carry:
	 * it passes the virtio-net header on to a peer that honours it.
	 */
	unsigned long long offload;
	/* Send one frame from @iov[0 .. @cnt): bytes sent or -errno. */
	long (*send)(struct lkl_netdev_backend *be, const struct iovec *iov,
		     int cnt);
	/*
	 * Receive one frame into @iov[0 .. @cnt): its length (more than the
	 * buffers hold means it was cut short and is dropped), 0 when the
	 * peer is gone for good, or -errno (-LKL_EAGAIN: none waiting).
	 */
	long (*recv)(struct lkl_netdev_backend *be, const struct iovec *iov,
		     int cnt);
	/*
	 * Optional: the kernel accepted offloads @features (at boot, before
	 * any frame), e.g. for the TAP to tell the host what it may send.
	 * Returns 0 or -errno (the device then carries no offload).
	 */
	int (*set_offload)(struct lkl_netdev_backend *be,
			   unsigned long long features);
	/* Release the backend (lkl_netdev_remove()). */
	void (*close)(struct lkl_netdev_backend *be);
};

/**
 * lkl_netdev_add - give the kernel a network device, before boot
 * @be: the backend; owned by the device from now on (closed by
 *      lkl_netdev_remove()), but for a failed add
 * @mac: the device's MAC address (unicast)
 * @mtu: the device's MTU and its largest (VIRTIO_NET_F_MTU), 68..65535;
 *       0 for 1500
 * @offload: the offloads wanted, a mask of LKL_NETDEV_OFFLOAD_ALL bits
 *           (0: none); bits outside it, TSO without CSUM or GUEST_CSUM,
 *           are -LKL_EINVAL
 *
 * Returns the device's id (>= 0) or a negative errno: -LKL_EINVAL (bad
 * argument), -LKL_ENOSPC (LKL_NETDEV_MAX devices already), -LKL_EBUSY
 * (the kernel is running), -LKL_ENOMEM.
 */
int lkl_netdev_add(struct lkl_netdev_backend *be, const unsigned char mac[6],
		   unsigned int mtu, unsigned long long offload);

/**
 * lkl_netdev_add_pipe - a network device whose frames go through @fd
 * @fd: one end of a SOCK_SEQPACKET (or SOCK_DGRAM) AF_UNIX socketpair;
 *      LKL uses a duplicate, the caller's fd stays the caller's
 * @mac, @mtu, @offload: as for lkl_netdev_add()
 *
 * Each message is one frame with its virtio-net header, passed on as it
 * is: give both ends the same @offload (a frame of up to 64 KiB plus
 * header is one message with TSO).  Two processes
 * (or two programs) each adding one end of a socketpair are two hosts on
 * a wire, with no privileges needed.  Returns the id or a negative
 * errno: -LKL_EBADF (not an open fd), -LKL_ENOTSOCK, -LKL_EINVAL (a
 * stream socket: it would not keep frames apart), and lkl_netdev_add()'s.
 */
int lkl_netdev_add_pipe(int fd, const unsigned char mac[6], unsigned int mtu,
			unsigned long long offload);

/**
 * lkl_netdev_add_tap - a network device whose frames go through a host
 * TAP interface (net_tap.c)
 * @ifname: the TAP's name (1..15 bytes, no '/', ':' or blanks); an
 *          existing TAP is attached, else one is created (it goes away
 *          with LKL's fd unless made persistent, e.g. `ip tuntap add`)
 * @mac, @mtu, @offload: as for lkl_netdev_add(); every offload is
 *                     carried (the host's kernel segments and checksums)
 *
 * Opens /dev/net/tun with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and a 12-byte
 * virtio-net header (LKL_NETDEV_HDR_LEN); at boot TUNSETOFFLOAD tells the
 * host the receive offloads the kernel accepted (GUEST_CSUM: TUN_F_CSUM,
 * GUEST_TSO4/6: TUN_F_TSO4/6).  Needs
 * CAP_NET_ADMIN, or a TAP owned by the caller.  Returns the id or a
 * negative errno: -LKL_EINVAL (bad name, or a non-TAP interface of that
 * name), -LKL_ENOENT (no /dev/net/tun), -LKL_EPERM or -LKL_EACCES, -LKL_EBUSY
 * (TAP in use), and lkl_netdev_add()'s.
 */
int lkl_netdev_add_tap(const char *ifname, const unsigned char mac[6],
		       unsigned int mtu, unsigned long long offload);

/**
 * lkl_netdev_add_macvtap - a network device whose frames go through a
 * host macvtap interface (net_macvtap.c)
 * @path: the macvtap's character device, /dev/tap<ifindex> (any path
 *        with a '/', e.g. a node made with mknod from the "MAJOR:MINOR"
 *        in /sys/class/net/NAME/macvtap/tap<ifindex>/dev), or the
 *        interface's name, whose /dev/tap<ifindex> is then opened
 * @mac, @mtu, @offload: as for lkl_netdev_add(); every offload is
 *                     carried, as on a TAP.  The lower interface gives a
 *                     macvtap the frames to its own MAC only, so the
 *                     macvtap is given @mac if it has another (this needs
 *                     CAP_NET_ADMIN)
 *
 * Make one with e.g. `ip link add link eth0 name mvt0 type macvtap mode
 * bridge` and `ip link set mvt0 up`.  The device is set up as a TAP
 * (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, 12-byte header, TUNSETOFFLOAD at
 * boot).  Returns the id or a negative errno: -LKL_EINVAL (an empty
 * path, a multicast @mac, a bad name, an interface that is no macvtap,
 * a file that is no macvtap device, /dev/net/tun), -LKL_ENODEV (no
 * interface of that name), -LKL_ENOENT (no such file: a name whose
 * /dev/tap<ifindex> is missing), -LKL_ENXIO (/dev/tap<ifindex> is
 * another interface's, one of the same ifindex in another network
 * namespace: give a path instead), -LKL_EPERM or -LKL_EACCES, and
 * lkl_netdev_add()'s.
 */
int lkl_netdev_add_macvtap(const char *path, const unsigned char mac[6],
			   unsigned int mtu, unsigned long long offload);

/**
 * lkl_netdev_add_raw - a network device whose frames go through an
 * AF_PACKET socket on a host Ethernet interface (net_raw.c)
 * @ifname: the host interface (1..15 bytes, no '/', ':' or blanks); it
 *          should be up, with an MTU of at least @mtu
 * @mac, @mtu, @offload: as for lkl_netdev_add(); every offload is
 *                     carried where the host's packet sockets have
 *                     PACKET_VNET_HDR, none elsewhere
 *
 * LKL's frames leave on @ifname as they are; LKL receives a copy of what
 * @ifname receives for @mac or a group address (the interface is
 * promiscuous while the device exists; a socket filter drops the rest,
 * the host's own outgoing frames and those of VLANs).  The host hands
 * over frames as it has them: large ones where @ifname aggregates (GRO,
 * LRO) or a veth peer sends TSO segments.  LKL takes those as they are
 * when its kernel accepted GUEST_TSO4/6 (@offload with
 * LKL_NETDEV_OFFLOAD_TSO); else the backend cuts large TCP frames into
 * segments itself, and drops other large ones (UDP GSO) with a message
 * (turn GRO and LRO off on @ifname then).  Needs CAP_NET_RAW.
 *
 * The host's own stack sees the same frames.  Packets to an address it
 * does not own it ignores (unless it routes), but it answers those to its
 * own addresses as usual: give LKL an address that the host has on none
 * of its interfaces, or the host's TCP answers LKL's connections with
 * resets (e.g. a port LKL listens on is closed for the host).  Where LKL
 * must share the host's address, drop the host's resets, e.g.
 * `nft add rule inet filter output oifname eth0 tcp flags rst drop` (or
 * `iptables -A OUTPUT -o eth0 -p tcp --tcp-flags RST RST -j DROP`), which
 * also drops the host's own.  Best is an interface the host does not
 * use, e.g. one end of a veth pair.  Returns the id or a negative errno:
 * -LKL_EINVAL (a bad name, a non-Ethernet interface), -LKL_ENODEV (no
 * such interface), -LKL_EPERM, and lkl_netdev_add()'s.
 */
int lkl_netdev_add_raw(const char *ifname, const unsigned char mac[6],
		       unsigned int mtu, unsigned long long offload);

/**
 * lkl_netdev_remove - close network device @id's backend and free it
 *
 * Before lkl_start_kernel() or after lkl_sys_halt() only.  Returns 0,
 * -LKL_EBUSY while the kernel runs, -LKL_EINVAL or -LKL_ENODEV for a bad
 * id.
 */
int lkl_netdev_remove(int id);

/*
 * Configuring interfaces, once the kernel runs (net_config.c).  They
 * return 0 or a negative errno, that of the failing ioctl.
 */

/**
 * lkl_netdev_get_ifindex - the kernel's interface index of network device
 * @id, found by its MAC address.  Returns it (> 0), -LKL_ENODEV when no
 * interface has the MAC (or there is no device @id).
 */
int lkl_netdev_get_ifindex(int id);

/** lkl_if_up - set IFF_UP on interface @ifindex. */
int lkl_if_up(int ifindex);

/** lkl_if_down - clear IFF_UP on interface @ifindex. */
int lkl_if_down(int ifindex);

/**
 * lkl_if_set_ipv4 - give interface @ifindex the IPv4 address @addr
 * (network byte order) with a @netmask_len-bit prefix (0..32; else
 * -LKL_EINVAL).  Replaces its primary address.
 */
int lkl_if_set_ipv4(int ifindex, unsigned int addr, unsigned int netmask_len);

/**
 * lkl_if_add_ipv6 - add the IPv6 address @addr (16 bytes) with a
 * @prefix_len-bit prefix (0..128) to interface @ifindex.  Duplicate
 * address detection applies: the address is usable once it completes
 * (about a second), unless /proc/sys/net/ipv6/conf/<if>/accept_dad is 0.
 */
int lkl_if_add_ipv6(int ifindex, const void *addr, unsigned int prefix_len);

/** lkl_if_set_mtu - set interface @ifindex's MTU (-LKL_EINVAL if out of range). */
int lkl_if_set_mtu(int ifindex, unsigned int mtu);

/*
 * Routes, source rules, neighbours (net_route.c, through rtnetlink) and
 * sysctls.  All return 0 or a negative errno, the kernel's answer.
 */

/*
 * lkl_if_set_ipv4/ipv6_gateway() put interface @ifindex's routes in a
 * table of its own, number LKL_IF_TABLE_BASE + @ifindex (1001 for
 * ifindex 1, ...), for ifindex 1..LKL_IF_TABLE_MAX_IFINDEX.  The source
 * rule's priority is the same number, so that it comes before the main
 * table's rule (32766).
 */
#define LKL_IF_TABLE_BASE		1000
#define LKL_IF_TABLE_MAX_IFINDEX	30000

/**
 * lkl_set_ipv4_gateway - default route via @gw_be (network byte order)
 * in the main table; replaces an existing one.  -LKL_ENETUNREACH when no
 * interface reaches @gw_be.
 */
int lkl_set_ipv4_gateway(unsigned int gw_be);

/** lkl_set_ipv6_gateway - the same for IPv6, @gw16 being 16 bytes. */
int lkl_set_ipv6_gateway(const void *gw16);

/**
 * lkl_if_set_ipv4_gateway - per-interface routing, as multipath needs
 * @ifindex: the interface (-LKL_ENODEV if <= 0 or too large)
 * @addr_be: its address, network byte order
 * @prefix: its prefix length, 0..32 (else -LKL_EINVAL)
 * @gw_be: the gateway on its link
 *
 * In table LKL_IF_TABLE_BASE + @ifindex: the on-link route of
 * @addr_be/@prefix and a default route via @gw_be through @ifindex; and
 * the rule "from @addr_be/@prefix lookup that table", so that traffic
 * from the interface's addresses leaves through it.  Calling it again
 * replaces the routes and keeps the one rule.
 */
int lkl_if_set_ipv4_gateway(int ifindex, unsigned int addr_be,
			    unsigned int prefix, unsigned int gw_be);

/** lkl_if_set_ipv6_gateway - the same for IPv6 (16-byte addresses, 0..128). */
int lkl_if_set_ipv6_gateway(int ifindex, const void *addr16,
			    unsigned int prefix, const void *gw16);

/**
 * lkl_add_neighbor - a permanent neighbour entry (ARP or NDP): @ip (4
 * bytes for LKL_AF_INET, 16 for LKL_AF_INET6; other @af is
 * -LKL_EAFNOSUPPORT) is at @mac on interface @ifindex.  Replaces one.
 */
int lkl_add_neighbor(int ifindex, int af, const void *ip,
		     const unsigned char mac[6]);

/**
 * lkl_qdisc_add - make @kind ("fq", "fq_codel", ...) the root queueing
 * discipline of interface @ifindex, replacing the one there (like `tc
 * qdisc replace dev X root KIND`).  Returns 0, -LKL_EINVAL for a bad
 * index or name, -LKL_ENOENT for a kind the kernel does not have,
 * -LKL_ENODEV for no such interface.
 */
int lkl_qdisc_add(int ifindex, const char *kind);

/**
 * lkl_sysctl - write @value to sysctl @path
 * @path: "net.ipv4.tcp_congestion_control" (dots become slashes), or a
 *        path under /proc/sys with slashes ("net/ipv4/conf/eth0.5/forwarding")
 *        when a name holds a dot
 *
 * Mounts proc at /proc first if needed (lkl_mount_fs()).  -LKL_ENOENT for
 * an unknown sysctl, -LKL_EINVAL for a bad path (empty, "..") or a value
 * the kernel refuses, -LKL_ENAMETOOLONG.
 */
int lkl_sysctl(const char *path, const char *value);

/**
 * lkl_sysctl_get - read sysctl @path into @buf (@len bytes, > 0), NUL
 * terminated, without its trailing newline.  Returns the length read (a
 * value longer than @len - 1 is cut), or lkl_sysctl()'s errors.
 */
int lkl_sysctl_get(const char *path, char *buf, int len);

/* ---- Multipath TCP (tools/lkl/lib/net_mptcp.c) ---- */

/*
 * The in-kernel path manager of this process's kernel, configured over
 * MPTCP's generic netlink family "mptcp_pm" (what `ip mptcp` does for a
 * host kernel, which cannot reach LKL's).  Sockets made with
 * LKL_IPPROTO_MPTCP use it once the kernel runs: every call needs a
 * booted kernel.  Errors are negative LKL errnos; where the kernel
 * decides, its error is returned as is.
 */

/* Endpoint flags (the kernel's MPTCP_PM_ADDR_FLAG_*). */
/* Announce this address to the peer (ADD_ADDR). */
#define LKL_MPTCP_FLAG_SIGNAL		(1 << 0)
/* Open an extra subflow from this address to the peer. */
#define LKL_MPTCP_FLAG_SUBFLOW		(1 << 1)
/* Subflows of this address are backups, used when no other is. */
#define LKL_MPTCP_FLAG_BACKUP		(1 << 2)
/* A subflow from this address to every address the peer announced. */
#define LKL_MPTCP_FLAG_FULLMESH		(1 << 3)
/* Set by the kernel on endpoints it made itself (read-only). */
#define LKL_MPTCP_FLAG_IMPLICIT		(1 << 4)

/* Endpoints the kernel keeps at most, and the highest limit. */
#define LKL_MPTCP_ENDPOINTS_MAX		8

struct lkl_mptcp_endpoint {
	/* 1..255; 0 in lkl_mptcp_endpoint_add(): the kernel picks one. */
	int id;
	/* LKL_AF_INET (4 bytes of @addr used) or LKL_AF_INET6 (16). */
	int af;
	/* The local address, network byte order. */
	unsigned char addr[16];
	/* 0, or the port a `signal` endpoint listens on and announces. */
	int port;
	/* 0, or the interface the endpoint's subflows leave through. */
	int ifindex;
	/* LKL_MPTCP_FLAG_*. */
	unsigned int flags;
};

/**
 * lkl_mptcp_endpoint_add - add a local address to the path manager
 * @ep: the endpoint; @ep->id 0 lets the kernel pick the id
 *
 * Like `ip mptcp endpoint add ADDR [port P] [dev IF] [id ID] FLAGS`.
 * Connections already established use it at once (a `subflow` endpoint
 * opens its subflow on them), within the limits of
 * lkl_mptcp_set_limits().  Returns the endpoint's id (> 0), or
 * -LKL_EAFNOSUPPORT for another @ep->af, -LKL_EINVAL for an id above
 * 255, a port above 65535, a negative ifindex or a flag outside
 * SIGNAL|SUBFLOW|BACKUP|FULLMESH, and the kernel's errors: -LKL_EINVAL
 * for a port without `signal` or with `subflow`, or `signal` with
 * `fullmesh`; -LKL_EEXIST for an address already there; -LKL_EBUSY for
 * an id in use; -LKL_ERANGE beyond LKL_MPTCP_ENDPOINTS_MAX endpoints.
 */
int lkl_mptcp_endpoint_add(const struct lkl_mptcp_endpoint *ep);

/**
 * lkl_mptcp_endpoint_del - remove endpoint @id (1..255, else -LKL_EINVAL),
 * closing its subflows and withdrawing its announcement.  An id with no
 * endpoint gets the kernel's -LKL_EINVAL too.
 */
int lkl_mptcp_endpoint_del(int id);

/**
 * lkl_mptcp_endpoint_list - the endpoints, by increasing id
 * @eps: filled with up to @max of them (@max >= 0; @eps may be NULL if 0)
 * @max: room in @eps
 *
 * Returns how many endpoints there are (more than @max means the list
 * was cut), or a negative errno.
 */
int lkl_mptcp_endpoint_list(struct lkl_mptcp_endpoint *eps, int max);

/** lkl_mptcp_endpoint_flush - remove every endpoint: 0 or -errno. */
int lkl_mptcp_endpoint_flush(void);

/**
 * lkl_mptcp_set_limits - the path manager's limits, per connection
 * @subflows: extra subflows a connection may have (0..8)
 * @add_addr_accepted: addresses announced by the peer it accepts and
 *                     opens subflows to (0..8)
 *
 * A booted kernel has 2 and 0: a client's `subflow` endpoints are used,
 * a server accepts the joins of 2 extra subflows, announcements are
 * ignored.  Returns 0, or the kernel's -LKL_EINVAL for a value above
 * LKL_MPTCP_ENDPOINTS_MAX (nothing is changed then).
 */
int lkl_mptcp_set_limits(unsigned int subflows,
			 unsigned int add_addr_accepted);

/**
 * lkl_mptcp_get_limits - read the limits back: either pointer may be
 * NULL.  Returns 0 or a negative errno.
 */
int lkl_mptcp_get_limits(unsigned int *subflows,
			 unsigned int *add_addr_accepted);

/* ---- DHCP client (tools/lkl/lib/net_dhcp.c) ---- */

/*
 * IPv4 configuration of an interface by DHCP (RFC 2131) once the kernel
 * runs, for as long as the program wants: a host thread per interface
 * gets a lease, renews it at T1, rebinds at T2, starts over when the
 * lease is lost (NAK, expiry) or the interface goes down and up, and
 * follows a change of address.  See Documentation/lkl/network.rst.
 */

/* What the client is doing (struct lkl_dhcp_lease's @state). */
#define LKL_DHCP_INIT		0	/* no lease: DISCOVER sent */
#define LKL_DHCP_REQUESTING	1	/* OFFER taken: REQUEST sent */
#define LKL_DHCP_BOUND		2	/* lease held */
#define LKL_DHCP_RENEWING	3	/* past T1: REQUEST to the server */
#define LKL_DHCP_REBINDING	4	/* past T2: REQUEST to any server */
#define LKL_DHCP_REBOOTING	5	/* link back up: lease confirmed */
#define LKL_DHCP_LINK_DOWN	6	/* interface down: waiting */

struct lkl_dhcp_options {
	/* Nonzero: the router also becomes the main table's default route. */
	int default_route;
	/*
	 * 0, or LKL_MPTCP_FLAG_* (SIGNAL, SUBFLOW, BACKUP, FULLMESH): an
	 * MPTCP endpoint with these flags for each address leased.  Without
	 * them, endpoints of the leased address that exist are still moved
	 * to the new address when it changes.
	 */
	unsigned int mptcp_flags;
};

struct lkl_dhcp_lease {
	int state;			/* LKL_DHCP_* */
	/* Network byte order; 0 when there is none. */
	unsigned int addr, router, server;
	unsigned int prefix;		/* 0..32 */
	/* Seconds, as granted; @remaining: until the lease expires. */
	unsigned int lease_time, t1, t2, remaining;
	/* ACKs accepted, NAKs received, addresses bound (changes + 1). */
	unsigned int acks, naks, addresses;
	/* 0, or the last error configuring the interface (-LKL_E*). */
	int error;
};

/**
 * lkl_dhcp_start - configure interface @ifindex by DHCP, from now on
 * @ifindex: an Ethernet interface (e.g. lkl_netdev_get_ifindex())
 * @opt: options, or NULL for none
 *
 * The interface should be up (the client waits for it otherwise).
 * Returns 0 at once (the lease comes later: lkl_dhcp_get_lease()), or
 * -LKL_EINVAL (@ifindex <= 0, not Ethernet, a bad @opt->mptcp_flags),
 * -LKL_ENODEV (no such interface), -LKL_EBUSY (a client runs on it
 * already), -LKL_ENOSPC (LKL_NETDEV_MAX clients), or a socket's error.
 * A client still running at lkl_sys_halt() ends then (lease error
 * -LKL_ENODEV); lkl_dhcp_stop() frees it.
 */
int lkl_dhcp_start(int ifindex, const struct lkl_dhcp_options *opt);

/**
 * lkl_dhcp_stop - stop the client of @ifindex: the lease is released
 * (DHCPRELEASE), its address, routes and MPTCP endpoints removed.
 * Returns 0 or -LKL_ENOENT (no client on @ifindex).
 */
int lkl_dhcp_stop(int ifindex);

/**
 * lkl_dhcp_get_lease - what the client of @ifindex holds now, in @lease.
 * Returns 0 or -LKL_ENOENT (no client), -LKL_EINVAL (@lease NULL).
 */
int lkl_dhcp_get_lease(int ifindex, struct lkl_dhcp_lease *lease);

#ifdef __cplusplus
}
#endif

#endif /* _LKL_HOST_H */
