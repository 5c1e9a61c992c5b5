// SPDX-License-Identifier: GPL-2.0
/*
 * LKL's JSON configuration (lkl_config.h): parsed with cJSON, checked
 * key by key into struct lkl_config, then applied through the network
 * API of lkl_host.h.  Every error names the key, the value and what was
 * expected; nothing unknown is skipped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl_config.h>
#include <lkl/linux/virtio_net.h>

/* Longest file lkl_load_config_file() reads. */
#define CONFIG_FILE_MAX		(1 << 20)
/* Key paths, "interfaces[15].ifgateway6" (an unknown key's is cut). */
#define PATH_LEN		128
/* Bytes of a value quoted in a message. */
#define VALUE_SHOWN		80

/* Where a message goes. */
struct msg {
	char *buf;
	unsigned int len;
};

/* ---- Messages ---- */

static void say(struct msg *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct msg *m, const char *fmt, ...)
{
	va_list ap;

	if (!m->buf || !m->len)
		return;
	va_start(ap, fmt);
	vsnprintf(m->buf, m->len, fmt, ap);
	va_end(ap);
}

/* @v as the message shows it: "text" for a string, else its JSON. */
static void show_value(const cJSON *v, char *out, size_t len)
{
	char *json;

	if (!v) {
		snprintf(out, len, "missing");
		return;
	}
	if (cJSON_IsString(v)) {
		snprintf(out, len, "\"%.*s%s\"", VALUE_SHOWN, v->valuestring,
			 strlen(v->valuestring) > VALUE_SHOWN ? "..." : "");
		return;
	}
	json = cJSON_PrintUnformatted(v);
	snprintf(out, len, "%.*s%s", VALUE_SHOWN, json ? json : "?",
		 json && strlen(json) > VALUE_SHOWN ? "..." : "");
	free(json);
}

/* "PATH: VALUE: what"; returns -LKL_EINVAL for the caller to return. */
static int bad(struct msg *m, const char *path, const cJSON *v,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int bad(struct msg *m, const char *path, const cJSON *v,
	       const char *fmt, ...)
{
	char value[VALUE_SHOWN + 8], what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	show_value(v, value, sizeof(value));
	say(m, "%s: %s: %s", path, value, what);
	return -LKL_EINVAL;
}

/* "PATH: VALUE: call: error text"; returns @err. */
static int failed(struct msg *m, const char *path, const char *value,
		  const char *call, int err)
{
	say(m, "%s: \"%s\": %s: %s", path, value, call, lkl_strerror(err));
	return err;
}

/* ---- Values ---- */

/* A string value, or NULL after the error "expected a string (@what)". */
static const char *get_string(struct msg *m, const char *path,
			      const cJSON *v, const char *what)
{
	if (!cJSON_IsString(v)) {
		bad(m, path, v, "expected a string (%s)", what);
		return NULL;
	}
	return v->valuestring;
}

static int set_string(struct msg *m, const char *path, const cJSON *v,
		      const char *what, char **out)
{
	const char *s;

	s = get_string(m, path, v, what);
	if (!s)
		return -LKL_EINVAL;
	if (!*s)
		return bad(m, path, v, "expected %s, not empty", what);
	*out = strdup(s);
	if (!*out) {
		say(m, "%s: out of memory", path);
		return -LKL_ENOMEM;
	}
	return 0;
}

/*
 * An unsigned integer @min..@max, as a string (decimal, or with @hex an
 * offload mask in hexadecimal, "0x" optional) or a JSON number.
 */
static int get_uint(struct msg *m, const char *path, const cJSON *v,
		    unsigned long long min, unsigned long long max, int hex,
		    unsigned long long *out)
{
	const char *s, *digits;
	unsigned long long x;
	char *end;

	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		/* max + 1.0: ULLONG_MAX is no double, its neighbour is. */
		if (d < (double)min || d >= (double)max + 1.0 ||
		    d != (double)(unsigned long long)d)
			goto range;
		*out = (unsigned long long)d;
		return 0;
	}
	if (!cJSON_IsString(v))
		goto range;
	s = v->valuestring;
	digits = s;
	if (hex && (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		digits = s + 2;
	/* strtoull() would take blanks, signs and an empty string. */
	if (!*digits || !strchr(hex ? "0123456789abcdefABCDEF" : "0123456789",
				*digits))
		goto range;
	errno = 0;
	x = strtoull(digits, &end, hex ? 16 : 10);
	if (*end || errno || x < min || x > max)
		goto range;
	*out = x;
	return 0;
range:
	if (hex)
		return bad(m, path, v,
			   "expected a hexadecimal mask, e.g. 0x%llx (all offloads)",
			   LKL_NETDEV_OFFLOAD_ALL);
	return bad(m, path, v, "expected %llu..%llu", min, max);
}

static int get_uint32(struct msg *m, const char *path, const cJSON *v,
		      unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned long long x;

	if (get_uint(m, path, v, min, max, 0, &x))
		return -LKL_EINVAL;
	*out = (unsigned int)x;
	return 0;
}

/* get_uint32() into an int, @max at most INT_MAX. */
static int get_int(struct msg *m, const char *path, const cJSON *v,
		   unsigned int min, unsigned int max, int *out)
{
	unsigned int x;

	if (get_uint32(m, path, v, min, max, &x))
		return -LKL_EINVAL;
	*out = (int)x;
	return 0;
}

/* 0 or 1, or false or true. */
static int get_bool(struct msg *m, const char *path, const cJSON *v,
		    int *out)
{
	if (cJSON_IsBool(v)) {
		*out = cJSON_IsTrue(v);
		return 0;
	}
	return get_int(m, path, v, 0, 1, out);
}

/* An address of family @af (AF_INET: 4 bytes, AF_INET6: 16) from @s. */
static int parse_ip(int af, const char *s, void *out)
{
	return inet_pton(af, s, out) == 1 ? 0 : -1;
}

static int get_ip(struct msg *m, const char *path, const cJSON *v, int af,
		  void *out)
{
	const char *what = af == AF_INET ? "an IPv4 address, a.b.c.d" :
					   "an IPv6 address";
	const char *s;

	s = get_string(m, path, v, what);
	if (!s)
		return -LKL_EINVAL;
	if (parse_ip(af, s, out))
		return bad(m, path, v, "expected %s", what);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "aa:bb:cc:dd:ee:ff", exactly, of @len bytes: 0 or -1. */
static int parse_mac(const char *s, size_t len, unsigned char mac[6])
{
	int i, hi, lo;

	if (len != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		hi = hex_digit(s[3 * i]);
		lo = hex_digit(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -1;
		mac[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* What split_list() calls on each entry of a list. */
typedef int (*entry_fn)(struct msg *m, const char *path, const cJSON *v,
			char *entry, void *arg);

/*
 * The entries of a list such as "a=1; b=2;": @fn is called on each one,
 * blanks around it trimmed, empty ones skipped.  @seps separate them.
 */
static int split_list(struct msg *m, const char *path, const cJSON *v,
		      const char *seps, const char *what, entry_fn fn,
		      void *arg)
{
	const char *s;
	char *copy, *e, *next, *end;
	int r = 0;

	s = get_string(m, path, v, what);
	if (!s)
		return -LKL_EINVAL;
	copy = strdup(s);
	if (!copy) {
		say(m, "%s: out of memory", path);
		return -LKL_ENOMEM;
	}
	for (e = copy; e && !r; e = next) {
		next = strpbrk(e, seps);
		if (next)
			*next++ = 0;
		while (*e == ' ' || *e == '\t' || *e == '\n')
			e++;
		end = e + strlen(e);
		while (end > e && (end[-1] == ' ' || end[-1] == '\t' ||
				   end[-1] == '\n'))
			*--end = 0;
		if (*e)
			r = fn(m, path, v, e, arg);
	}
	free(copy);
	return r;
}

/* Append a copy of @s to the array *@list of *@count strings. */
static int push_string(struct msg *m, const char *path, char ***list,
		       int *count, const char *s)
{
	char **l = realloc(*list, (*count + 1) * sizeof(*l));

	if (l) {
		*list = l;
		l[*count] = strdup(s);
	}
	if (!l || !l[*count]) {
		say(m, "%s: out of memory", path);
		return -LKL_ENOMEM;
	}
	(*count)++;
	return 0;
}

/* ---- Objects: every key known, none twice ---- */

typedef int (*key_fn)(struct msg *m, const char *path, const cJSON *v,
		      void *obj);

struct key {
	const char *name;
	key_fn fn;
};

static int parse_object(struct msg *m, const char *prefix, const cJSON *o,
			const struct key *keys, void *obj)
{
	char path[PATH_LEN], names[256] = "";
	const struct key *k;
	const cJSON *v, *w;
	int r;

	cJSON_ArrayForEach(v, o) {
		snprintf(path, sizeof(path), "%s%s", prefix, v->string);
		for (w = o->child; w != v; w = w->next)
			if (!strcmp(w->string, v->string)) {
				say(m, "%s: duplicate key", path);
				return -LKL_EINVAL;
			}
		for (k = keys; k->name; k++)
			if (!strcmp(k->name, v->string))
				break;
		if (!k->name) {
			for (k = keys; k->name; k++)
				snprintf(names + strlen(names),
					 sizeof(names) - strlen(names), "%s%s",
					 k == keys ? "" : ", ", k->name);
			say(m, "%s: unknown key (expected one of: %s)", path,
			    names);
			return -LKL_EINVAL;
		}
		r = k->fn(m, path, v, obj);
		if (r)
			return r;
	}
	return 0;
}

/* ---- Interface keys ---- */

static const char *const type_names[] = {
	[LKL_CONFIG_IF_TAP] = "tap",
	[LKL_CONFIG_IF_MACVTAP] = "macvtap",
	[LKL_CONFIG_IF_RAW] = "raw",
	[LKL_CONFIG_IF_PIPE] = "pipe",
};

static int if_type(struct msg *m, const char *path, const cJSON *v,
		   void *obj)
{
	struct lkl_config_iface *i = obj;
	const char *s;
	size_t t;

	s = get_string(m, path, v, "tap, macvtap, raw or pipe");
	if (!s)
		return -LKL_EINVAL;
	for (t = 0; t < sizeof(type_names) / sizeof(type_names[0]); t++)
		if (!strcmp(s, type_names[t]))
			break;
	if (t == sizeof(type_names) / sizeof(type_names[0]))
		return bad(m, path, v, "expected tap, macvtap, raw or pipe");
	i->type = t;
	return 0;
}

static int if_param(struct msg *m, const char *path, const cJSON *v,
		    void *obj)
{
	struct lkl_config_iface *i = obj;
	char num[24];

	/* A pipe's fd may be a JSON number: keep its decimal text. */
	if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof(num), "%.0f", v->valuedouble);
		i->param = strdup(num);
		return i->param ? 0 : -LKL_ENOMEM;
	}
	return set_string(m, path, v, "the backend's device", &i->param);
}

static int if_mtu(struct msg *m, const char *path, const cJSON *v, void *obj)
{
	return get_uint32(m, path, v, 68, 65535,
			  &((struct lkl_config_iface *)obj)->mtu);
}

static int if_ip(struct msg *m, const char *path, const cJSON *v, void *obj)
{
	struct lkl_config_iface *i = obj;

	i->has_ip |= 1;
	return get_ip(m, path, v, AF_INET, &i->ip);
}

/* has_ip gets bit 0 from "ip", bit 1 from "masklen": both are needed. */
static int if_masklen(struct msg *m, const char *path, const cJSON *v,
		      void *obj)
{
	struct lkl_config_iface *i = obj;

	i->has_ip |= 2;
	return get_uint32(m, path, v, 0, 32, &i->masklen);
}

static int if_ipv6(struct msg *m, const char *path, const cJSON *v, void *obj)
{
	struct lkl_config_iface *i = obj;

	i->has_ipv6 |= 1;
	return get_ip(m, path, v, AF_INET6, i->ipv6);
}

static int if_masklen6(struct msg *m, const char *path, const cJSON *v,
		       void *obj)
{
	struct lkl_config_iface *i = obj;

	i->has_ipv6 |= 2;
	return get_uint32(m, path, v, 0, 128, &i->masklen6);
}

static int if_gateway(struct msg *m, const char *path, const cJSON *v,
		      void *obj)
{
	struct lkl_config_iface *i = obj;

	i->has_ifgateway = 1;
	return get_ip(m, path, v, AF_INET, &i->ifgateway);
}

static int if_gateway6(struct msg *m, const char *path, const cJSON *v,
		       void *obj)
{
	struct lkl_config_iface *i = obj;

	i->has_ifgateway6 = 1;
	return get_ip(m, path, v, AF_INET6, i->ifgateway6);
}

static int if_mac(struct msg *m, const char *path, const cJSON *v, void *obj)
{
	struct lkl_config_iface *i = obj;
	const char *s;

	s = get_string(m, path, v, "a MAC address, aa:bb:cc:dd:ee:ff");
	if (!s)
		return -LKL_EINVAL;
	if (parse_mac(s, strlen(s), i->mac))
		return bad(m, path, v,
			   "expected a MAC address, aa:bb:cc:dd:ee:ff");
	if (i->mac[0] & 1)
		return bad(m, path, v,
			   "expected a unicast MAC address (first byte even)");
	return 0;
}

static int neigh_entry(struct msg *m, const char *path, const cJSON *v,
		       char *e, void *obj)
{
	struct lkl_config_iface *i = obj;
	struct lkl_config_neigh n, *l;
	char *bar = strchr(e, '|');

	memset(&n, 0, sizeof(n));
	if (!bar)
		return bad(m, path, v, "entry \"%s\": expected IP|MAC", e);
	*bar = 0;
	if (!parse_ip(AF_INET, e, n.ip))
		n.af = LKL_AF_INET;
	else if (!parse_ip(AF_INET6, e, n.ip))
		n.af = LKL_AF_INET6;
	else
		return bad(m, path, v,
			   "entry \"%s|%s\": expected an IPv4 or IPv6 address before '|'",
			   e, bar + 1);
	if (parse_mac(bar + 1, strlen(bar + 1), n.mac))
		return bad(m, path, v,
			   "entry \"%s|%s\": expected a MAC address aa:bb:cc:dd:ee:ff after '|'",
			   e, bar + 1);
	l = realloc(i->neigh, (i->neigh_count + 1) * sizeof(*l));
	if (!l)
		return -LKL_ENOMEM;
	i->neigh = l;
	l[i->neigh_count++] = n;
	return 0;
}

static int if_neigh(struct msg *m, const char *path, const cJSON *v,
		    void *obj)
{
	return split_list(m, path, v, ";", "IP|MAC;IP|MAC...",
			  neigh_entry, obj);
}

/* A name of the kernel: a qdisc kind or a filesystem type. */
static int kernel_name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int if_qdisc(struct msg *m, const char *path, const cJSON *v,
		    void *obj)
{
	struct lkl_config_iface *i = obj;
	const char *s, *kind;

	s = get_string(m, path, v, "root|KIND or KIND, e.g. fq");
	if (!s)
		return -LKL_EINVAL;
	kind = strncmp(s, "root|", 5) ? s : s + 5;
	if (strchr(kind, '|'))
		return bad(m, path, v,
			   "expected root|KIND or KIND (only the root qdisc can be set)");
	if (!kernel_name_ok(kind))
		return bad(m, path, v,
			   "expected root|KIND or KIND, KIND a qdisc such as fq");
	i->qdisc = strdup(kind);
	return i->qdisc ? 0 : -LKL_ENOMEM;
}

static int if_offload(struct msg *m, const char *path, const cJSON *v,
		      void *obj)
{
	struct lkl_config_iface *i = obj;
	unsigned long long x, host_tso, guest_tso;

	if (get_uint(m, path, v, 0, ULLONG_MAX, 1, &x))
		return -LKL_EINVAL;
	if (x & ~LKL_NETDEV_OFFLOAD_ALL)
		return bad(m, path, v,
			   "bits 0x%llx are not offloads: expected a mask of 0x%llx (LKL_NETDEV_OFFLOAD_ALL) bits",
			   x & ~LKL_NETDEV_OFFLOAD_ALL,
			   LKL_NETDEV_OFFLOAD_ALL);
	host_tso = (1ULL << LKL_VIRTIO_NET_F_HOST_TSO4) |
		   (1ULL << LKL_VIRTIO_NET_F_HOST_TSO6);
	guest_tso = (1ULL << LKL_VIRTIO_NET_F_GUEST_TSO4) |
		    (1ULL << LKL_VIRTIO_NET_F_GUEST_TSO6);
	if ((x & host_tso) && !(x & (1ULL << LKL_VIRTIO_NET_F_CSUM)))
		return bad(m, path, v,
			   "HOST_TSO4/6 (0x1800) need CSUM (0x1)");
	if ((x & guest_tso) && !(x & (1ULL << LKL_VIRTIO_NET_F_GUEST_CSUM)))
		return bad(m, path, v,
			   "GUEST_TSO4/6 (0x180) need GUEST_CSUM (0x2)");
	i->offload = x;
	return 0;
}

/* The endpoint flags "mptcp" takes, in the order messages list them. */
static const struct {
	const char *name;
	unsigned int flag;
} mptcp_flags[] = {
	{ "subflow", LKL_MPTCP_FLAG_SUBFLOW },
	{ "signal", LKL_MPTCP_FLAG_SIGNAL },
	{ "backup", LKL_MPTCP_FLAG_BACKUP },
	{ "fullmesh", LKL_MPTCP_FLAG_FULLMESH },
};
#define MPTCP_FLAGS_WHAT	"subflow, signal, backup or fullmesh"

/* Add flag @e to @i's, or say what is wrong with it. */
static int mptcp_flag(struct msg *m, const char *path, const cJSON *v,
		      const char *e, struct lkl_config_iface *i)
{
	size_t k;

	for (k = 0; k < sizeof(mptcp_flags) / sizeof(mptcp_flags[0]); k++)
		if (!strcmp(e, mptcp_flags[k].name))
			break;
	if (k == sizeof(mptcp_flags) / sizeof(mptcp_flags[0]))
		return bad(m, path, v, "entry \"%s\": expected " MPTCP_FLAGS_WHAT,
			   e);
	if (i->mptcp_flags & mptcp_flags[k].flag)
		return bad(m, path, v, "entry \"%s\": given twice", e);
	i->mptcp_flags |= mptcp_flags[k].flag;
	return 0;
}

static int mptcp_entry(struct msg *m, const char *path, const cJSON *v,
		       char *e, void *obj)
{
	return mptcp_flag(m, path, v, e, obj);
}

/* "subflow,backup" (',', ';' or blanks between) or ["subflow", ...]. */
static int if_mptcp(struct msg *m, const char *path, const cJSON *v,
		    void *obj)
{
	const cJSON *f, *list = cJSON_IsArray(v) ? v : NULL;
	struct lkl_config_iface *i = obj;
	int r = 0;

	i->has_mptcp = 1;
	if (!cJSON_IsArray(v) && !cJSON_IsString(v))
		return bad(m, path, v,
			   "expected flags as \"subflow,backup\" or [\"subflow\", \"backup\"]: "
			   MPTCP_FLAGS_WHAT);
	if (cJSON_IsString(v))
		r = split_list(m, path, v, ",; \t", "flags", mptcp_entry, i);
	cJSON_ArrayForEach(f, list) {
		if (!cJSON_IsString(f))
			return bad(m, path, v,
				   "expected an array of strings, each a flag: "
				   MPTCP_FLAGS_WHAT);
		r = mptcp_flag(m, path, v, f->valuestring, i);
		if (r)
			break;
	}
	if (r)
		return r;
	if (!i->mptcp_flags)
		return bad(m, path, v, "expected at least one flag: "
			   MPTCP_FLAGS_WHAT);
	/* The kernel refuses the two together: say so before boot. */
	if ((i->mptcp_flags & LKL_MPTCP_FLAG_SIGNAL) &&
	    (i->mptcp_flags & LKL_MPTCP_FLAG_FULLMESH))
		return bad(m, path, v, "signal and fullmesh exclude each other");
	return 0;
}

static int if_mptcp_id(struct msg *m, const char *path, const cJSON *v,
		       void *obj)
{
	return get_int(m, path, v, 1, 255,
		       &((struct lkl_config_iface *)obj)->mptcp_id);
}

static int if_mptcp_port(struct msg *m, const char *path, const cJSON *v,
			 void *obj)
{
	return get_int(m, path, v, 1, 65535,
		       &((struct lkl_config_iface *)obj)->mptcp_port);
}

static int if_dhcp(struct msg *m, const char *path, const cJSON *v,
		   void *obj)
{
	return get_bool(m, path, v, &((struct lkl_config_iface *)obj)->dhcp);
}

static const struct key iface_keys[] = {
	{ "type", if_type },
	{ "param", if_param },
	{ "mtu", if_mtu },
	{ "ip", if_ip },
	{ "masklen", if_masklen },
	{ "ipv6", if_ipv6 },
	{ "masklen6", if_masklen6 },
	{ "ifgateway", if_gateway },
	{ "ifgateway6", if_gateway6 },
	{ "mac", if_mac },
	{ "neigh", if_neigh },
	{ "qdisc", if_qdisc },
	{ "offload", if_offload },
	{ "mptcp", if_mptcp },
	{ "mptcp_id", if_mptcp_id },
	{ "mptcp_port", if_mptcp_port },
	{ "dhcp", if_dhcp },
	{ NULL, NULL }
};

/* What "param" is for each type, for messages. */
static const char *param_what(enum lkl_config_iftype t)
{
	switch (t) {
	case LKL_CONFIG_IF_TAP:
		return "the TAP's name, 1..15 bytes";
	case LKL_CONFIG_IF_MACVTAP:
		return "a /dev/tapN path, or the macvtap's name (1..15 bytes)";
	case LKL_CONFIG_IF_RAW:
		return "the host interface's name, 1..15 bytes";
	default:
		return "an fd number, one end of a socketpair";
	}
}

/* The error "@prefix@key: its value: @what". */
static int bad_key(struct msg *m, const char *prefix, const cJSON *o,
		   const char *key, const char *what)
{
	char path[2 * PATH_LEN];

	snprintf(path, sizeof(path), "%s%s", prefix, key);
	return bad(m, path, cJSON_GetObjectItemCaseSensitive(o, key), "%s",
		   what);
}

/* Whether param, given, suits the type. */
static int check_param(struct msg *m, const char *prefix, const cJSON *o,
		       struct lkl_config_iface *i)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "param");
	char path[2 * PATH_LEN], what[80];
	int name = i->type != LKL_CONFIG_IF_PIPE;
	unsigned long long fd;

	snprintf(what, sizeof(what), "expected %s", param_what(i->type));
	if (!p)
		return bad_key(m, prefix, o, "param", what);
	if (i->type == LKL_CONFIG_IF_PIPE) {
		snprintf(path, sizeof(path), "%sparam", prefix);
		return get_uint(m, path, p, 0, INT_MAX, 0, &fd);
	}
	if (!cJSON_IsString(p)) {
		snprintf(what, sizeof(what), "expected a string (%s)",
			 param_what(i->type));
		return bad_key(m, prefix, o, "param", what);
	}
	/* A macvtap's param may be a path instead of a name. */
	if (i->type == LKL_CONFIG_IF_MACVTAP && strchr(i->param, '/'))
		name = 0;
	if (name && strlen(i->param) > 15)
		return bad_key(m, prefix, o, "param", what);
	return 0;
}

/* The MPTCP keys that need each other. */
static int check_mptcp(struct msg *m, const char *prefix, const cJSON *o,
		       const struct lkl_config_iface *i)
{
	/* The leased address's endpoint: the kernel's id, no port. */
	if (i->dhcp && i->mptcp_id)
		return bad_key(m, prefix, o, "mptcp_id",
			       "not with dhcp: the leased address's endpoint gets the kernel's id");
	if (i->dhcp && i->mptcp_port)
		return bad_key(m, prefix, o, "mptcp_port",
			       "not with dhcp: the leased address's endpoint has no port");
	if (i->dhcp && !i->has_ip && !i->has_ipv6)
		return 0;
	if (!i->has_mptcp) {
		if (i->mptcp_id)
			return bad_key(m, prefix, o, "mptcp_id",
				       "needs mptcp too");
		if (i->mptcp_port)
			return bad_key(m, prefix, o, "mptcp_port",
				       "needs mptcp too");
		return 0;
	}
	if (!i->has_ip && !i->has_ipv6)
		return bad_key(m, prefix, o, "mptcp",
			       "needs ip or ipv6 too: its endpoint is the interface's address");
	if (i->mptcp_id && i->has_ip && i->has_ipv6)
		return bad_key(m, prefix, o, "mptcp_id",
			       "the interface has ip and ipv6, an endpoint each: one id cannot name both");
	if (i->mptcp_port && (!(i->mptcp_flags & LKL_MPTCP_FLAG_SIGNAL) ||
			      (i->mptcp_flags & LKL_MPTCP_FLAG_SUBFLOW)))
		return bad_key(m, prefix, o, "mptcp_port",
			       "needs signal in mptcp, without subflow (the port is announced and listened on)");
	return 0;
}

/* The keys that need each other, and param for the type. */
static int check_iface(struct msg *m, const char *prefix, const cJSON *o,
		       struct lkl_config_iface *i)
{
	int r;

	if (!cJSON_HasObjectItem(o, "type"))
		return bad_key(m, prefix, o, "type",
			       "expected tap, macvtap, raw or pipe");
	r = check_param(m, prefix, o, i);
	if (r)
		return r;
	if (i->has_ip == 1)
		return bad_key(m, prefix, o, "ip", "needs masklen (0..32) too");
	if (i->has_ip == 2)
		return bad_key(m, prefix, o, "masklen", "needs ip too");
	if (i->has_ipv6 == 1)
		return bad_key(m, prefix, o, "ipv6",
			       "needs masklen6 (0..128) too");
	if (i->has_ipv6 == 2)
		return bad_key(m, prefix, o, "masklen6", "needs ipv6 too");
	if (i->dhcp && i->has_ip)
		return bad_key(m, prefix, o, "ip",
			       "not with dhcp: DHCP gives the IPv4 address");
	if (i->has_ifgateway && !i->has_ip)
		return bad_key(m, prefix, o, "ifgateway",
			       "needs ip and masklen too");
	if (i->has_ifgateway6 && !i->has_ipv6)
		return bad_key(m, prefix, o, "ifgateway6",
			       "needs ipv6 and masklen6 too");
	r = check_mptcp(m, prefix, o, i);
	if (r)
		return r;
	i->has_ip = !!i->has_ip;
	i->has_ipv6 = !!i->has_ipv6;
	return 0;
}

/* ---- Top-level keys ---- */

/*
 * Locally administered and unicast, from this process's id and the
 * interface's index: two processes joined by pipes differ.
 */
static void default_mac(int index, unsigned char mac[6])
{
	unsigned int pid = (unsigned int)getpid();

	mac[0] = 2;
	mac[1] = (unsigned char)(pid >> 16);
	mac[2] = (unsigned char)(pid >> 8);
	mac[3] = (unsigned char)pid;
	mac[4] = 0;
	mac[5] = (unsigned char)(index + 1);
}

/* lkl_netdev_get_ifindex() finds interfaces by MAC: no two the same. */
static int check_macs(struct msg *m, const cJSON *list,
		      const struct lkl_config *cfg)
{
	const unsigned char *x;
	int i, j, k;

	for (i = 1; i < cfg->iface_count; i++)
		for (j = 0; j < i; j++) {
			if (memcmp(cfg->ifaces[i].mac, cfg->ifaces[j].mac, 6))
				continue;
			/* Name the one that gave its "mac". */
			k = cJSON_HasObjectItem(cJSON_GetArrayItem(list, i),
						"mac") ? i : j;
			x = cfg->ifaces[k].mac;
			say(m, "interfaces[%d].mac: \"%02x:%02x:%02x:%02x:%02x:%02x\": also the MAC of interfaces[%d]: expected one of its own",
			    k, x[0], x[1], x[2], x[3], x[4], x[5],
			    k == i ? j : i);
			return -LKL_EINVAL;
		}
	return 0;
}

/* The kernel keeps 8 endpoints, each id once. */
static int check_endpoints(struct msg *m, const cJSON *list,
			   const struct lkl_config *cfg)
{
	const struct lkl_config_iface *a, *b;
	char prefix[PATH_LEN], what[128];
	int i, j, n = 0;

	for (i = 0; i < cfg->iface_count; i++) {
		a = &cfg->ifaces[i];
		if (!a->has_mptcp)
			continue;
		snprintf(prefix, sizeof(prefix), "interfaces[%d].", i);
		/* A "dhcp" interface's leased address has one too. */
		n += a->has_ip + a->has_ipv6 + !!a->dhcp;
		if (n > LKL_MPTCP_ENDPOINTS_MAX) {
			snprintf(what, sizeof(what),
				 "more than %d endpoints (LKL_MPTCP_ENDPOINTS_MAX), the most the kernel takes",
				 LKL_MPTCP_ENDPOINTS_MAX);
			return bad_key(m, prefix, cJSON_GetArrayItem(list, i),
				       "mptcp", what);
		}
		for (j = 0; j < i && a->mptcp_id; j++) {
			b = &cfg->ifaces[j];
			if (b->has_mptcp && b->mptcp_id == a->mptcp_id) {
				snprintf(what, sizeof(what),
					 "also the id of interfaces[%d]: expected one of its own",
					 j);
				return bad_key(m, prefix,
					       cJSON_GetArrayItem(list, i),
					       "mptcp_id", what);
			}
		}
	}
	return 0;
}

static int top_interfaces(struct msg *m, const char *path, const cJSON *v,
			  void *obj)
{
	struct lkl_config *cfg = obj;
	char prefix[PATH_LEN];
	const cJSON *o;
	int n = 0, r;

	if (!cJSON_IsArray(v))
		return bad(m, path, v, "expected an array of objects");
	if (cJSON_GetArraySize(v) > LKL_NETDEV_MAX)
		return bad(m, path, v, "expected at most %d interfaces",
			   LKL_NETDEV_MAX);
	cfg->ifaces = calloc(cJSON_GetArraySize(v) + 1, sizeof(*cfg->ifaces));
	if (!cfg->ifaces)
		return -LKL_ENOMEM;
	cJSON_ArrayForEach(o, v) {
		struct lkl_config_iface *i = &cfg->ifaces[n];

		snprintf(prefix, sizeof(prefix), "%s[%d]", path, n);
		i->netdev_id = -1;
		default_mac(n, i->mac);
		cfg->iface_count = ++n;
		if (!cJSON_IsObject(o))
			return bad(m, prefix, o, "expected an object");
		snprintf(prefix, sizeof(prefix), "%s[%d].", path, n - 1);
		r = parse_object(m, prefix, o, iface_keys, i);
		if (!r)
			r = check_iface(m, prefix, o, i);
		if (r)
			return r;
	}
	r = check_macs(m, v, cfg);
	return r ? r : check_endpoints(m, v, cfg);
}

static int top_gateway(struct msg *m, const char *path, const cJSON *v,
		       void *obj)
{
	struct lkl_config *cfg = obj;

	cfg->has_gateway = 1;
	return get_ip(m, path, v, AF_INET, &cfg->gateway);
}

static int top_gateway6(struct msg *m, const char *path, const cJSON *v,
			void *obj)
{
	struct lkl_config *cfg = obj;

	cfg->has_gateway6 = 1;
	return get_ip(m, path, v, AF_INET6, cfg->gateway6);
}

static int top_nameserver(struct msg *m, const char *path, const cJSON *v,
			  void *obj)
{
	const char *what = "an IPv4 or IPv6 address";
	struct lkl_config *cfg = obj;
	const char *s;

	s = get_string(m, path, v, what);
	if (!s)
		return -LKL_EINVAL;
	if (!parse_ip(AF_INET, s, cfg->nameserver_addr))
		cfg->nameserver_af = LKL_AF_INET;
	else if (!parse_ip(AF_INET6, s, cfg->nameserver_addr))
		cfg->nameserver_af = LKL_AF_INET6;
	else
		return bad(m, path, v, "expected %s", what);
	return set_string(m, path, v, what, &cfg->nameserver);
}

static int top_debug(struct msg *m, const char *path, const cJSON *v,
		     void *obj)
{
	return get_uint32(m, path, v, 0, UINT_MAX,
			  &((struct lkl_config *)obj)->debug);
}


static int top_delay_main(struct msg *m, const char *path, const cJSON *v,
			  void *obj)
{
	return get_uint32(m, path, v, 0, UINT_MAX,
			  &((struct lkl_config *)obj)->delay_main);
}

static int top_boot_cmdline(struct msg *m, const char *path, const cJSON *v,
			    void *obj)
{
	return set_string(m, path, v, "kernel command line options",
			  &((struct lkl_config *)obj)->boot_cmdline);
}

static int limit_subflows(struct msg *m, const char *path, const cJSON *v,
			  void *obj)
{
	struct lkl_config *cfg = obj;

	cfg->has_mptcp_subflows = 1;
	return get_uint32(m, path, v, 0, LKL_MPTCP_ENDPOINTS_MAX,
			  &cfg->mptcp_subflows);
}

static int limit_add_addr(struct msg *m, const char *path, const cJSON *v,
			  void *obj)
{
	struct lkl_config *cfg = obj;

	cfg->has_mptcp_add_addr_accepted = 1;
	return get_uint32(m, path, v, 0, LKL_MPTCP_ENDPOINTS_MAX,
			  &cfg->mptcp_add_addr_accepted);
}

static const struct key mptcp_limit_keys[] = {
	{ "subflows", limit_subflows },
	{ "add_addr_accepted", limit_add_addr },
	{ NULL, NULL }
};

static int top_mptcp_limits(struct msg *m, const char *path, const cJSON *v,
			    void *obj)
{
	const char *what = "an object with subflows and/or add_addr_accepted";
	char prefix[PATH_LEN];

	if (!cJSON_IsObject(v) || !v->child)
		return bad(m, path, v, "expected %s", what);
	snprintf(prefix, sizeof(prefix), "%s.", path);
	return parse_object(m, prefix, v, mptcp_limit_keys, obj);
}

static int top_singlecpu(struct msg *m, const char *path, const cJSON *v,
			 void *obj)
{
	return get_bool(m, path, v, &((struct lkl_config *)obj)->singlecpu);
}

static int top_hijack_mptcp(struct msg *m, const char *path, const cJSON *v,
			    void *obj)
{
	return get_bool(m, path, v, &((struct lkl_config *)obj)->hijack_mptcp);
}

static int sysctl_entry(struct msg *m, const char *path, const cJSON *v,
			char *e, void *obj)
{
	struct lkl_config *cfg = obj;
	struct lkl_config_sysctl *l;
	char *eq = strchr(e, '=');

	if (!eq || eq == e)
		return bad(m, path, v, "entry \"%s\": expected key=value", e);
	*eq = 0;
	l = realloc(cfg->sysctl, (cfg->sysctl_count + 1) * sizeof(*l));
	if (!l)
		return -LKL_ENOMEM;
	cfg->sysctl = l;
	l[cfg->sysctl_count].key = strdup(e);
	l[cfg->sysctl_count].value = strdup(eq + 1);
	cfg->sysctl_count++;
	if (!l[cfg->sysctl_count - 1].key || !l[cfg->sysctl_count - 1].value)
		return -LKL_ENOMEM;
	return 0;
}

static int top_sysctl(struct msg *m, const char *path, const cJSON *v,
		      void *obj)
{
	return split_list(m, path, v, ";", "key=value;key=value...",
			  sysctl_entry, obj);
}

static int mount_entry(struct msg *m, const char *path, const cJSON *v,
		       char *e, void *obj)
{
	struct lkl_config *cfg = obj;

	if (!kernel_name_ok(e))
		return bad(m, path, v,
			   "entry \"%s\": expected a filesystem type such as proc or sysfs",
			   e);
	return push_string(m, path, &cfg->mount, &cfg->mount_count, e);
}

static int top_mount(struct msg *m, const char *path, const cJSON *v,
		     void *obj)
{
	return split_list(m, path, v, ",;",
			  "filesystem types, e.g. proc,sysfs", mount_entry,
			  obj);
}

static int dump_entry(struct msg *m, const char *path, const cJSON *v,
		      char *e, void *obj)
{
	struct lkl_config *cfg = obj;

	(void)v;
	return push_string(m, path, &cfg->dump, &cfg->dump_count, e);
}

static int top_dump(struct msg *m, const char *path, const cJSON *v,
		    void *obj)
{
	return split_list(m, path, v, ",;", "paths inside LKL",
			  dump_entry, obj);
}

static const struct key top_keys[] = {
	{ "interfaces", top_interfaces },
	{ "gateway", top_gateway },
	{ "gateway6", top_gateway6 },
	{ "nameserver", top_nameserver },
	{ "debug", top_debug },
	{ "mount", top_mount },
	{ "singlecpu", top_singlecpu },
	{ "sysctl", top_sysctl },
	{ "boot_cmdline", top_boot_cmdline },
	{ "dump", top_dump },
	{ "delay_main", top_delay_main },
	{ "mptcp_limits", top_mptcp_limits },
	{ "hijack_mptcp", top_hijack_mptcp },
	{ NULL, NULL }
};

/* ---- Loading ---- */

/* "bad JSON at line L, column C (near "...")" for the error at @pos. */
static void bad_json(struct msg *m, const char *text, const char *pos)
{
	const char *p, *line = text;
	int lineno = 1, n;

	if (!pos || pos < text || pos > text + strlen(text))
		pos = text;
	for (p = text; p < pos; p++)
		if (*p == '\n')
			lineno++, line = p + 1;
	for (n = 0; n < 20 && pos[n] && pos[n] != '\n'; n++)
		;
	if (!*pos)
		say(m, "bad JSON at line %d, column %d: unexpected end of text",
		    lineno, (int)(pos - line) + 1);
	else
		say(m, "bad JSON at line %d, column %d (near \"%.*s\")",
		    lineno, (int)(pos - line) + 1, n, pos);
}

int lkl_load_config_json(const char *text, struct lkl_config **out,
			 char *err, unsigned int err_len)
{
	struct msg m = { err, err_len };
	struct lkl_config *cfg;
	const char *end = NULL;
	cJSON *root;
	int r;

	*out = NULL;
	say(&m, "no error");
	if (!text) {
		say(&m, "no configuration text");
		return -LKL_EINVAL;
	}
	root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root) {
		bad_json(&m, text, end);
		return -LKL_EINVAL;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		cJSON_Delete(root);
		say(&m, "out of memory");
		return -LKL_ENOMEM;
	}
	if (!cJSON_IsObject(root))
		r = bad(&m, "(top level)", root, "expected an object { ... }");
	else
		r = parse_object(&m, "", root, top_keys, cfg);
	cJSON_Delete(root);
	if (r) {
		if (r == -LKL_ENOMEM)
			say(&m, "out of memory");
		lkl_config_free(cfg);
		return r;
	}
	*out = cfg;
	return 0;
}

int lkl_load_config_file(const char *path, struct lkl_config **out,
			 char *err, unsigned int err_len)
{
	struct msg m = { err, err_len };
	char *text, *sub;
	size_t len = 0, n;
	FILE *f;
	int r;

	*out = NULL;
	f = fopen(path, "r");
	if (!f) {
		r = -errno;
		say(&m, "%s: %s", path, strerror(-r));
		return r;
	}
	text = malloc(CONFIG_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		say(&m, "%s: out of memory", path);
		return -LKL_ENOMEM;
	}
	errno = 0;
	while ((n = fread(text + len, 1, CONFIG_FILE_MAX + 1 - len, f)) > 0)
		len += n;
	r = ferror(f) ? -(errno ? errno : EIO) : 0;
	fclose(f);
	if (!r && len > CONFIG_FILE_MAX)
		r = -LKL_EFBIG;
	if (r) {
		say(&m, "%s: %s", path, r == -LKL_EFBIG ?
		    "larger than 1 MiB" : strerror(-r));
		free(text);
		return r;
	}
	text[len] = 0;
	if (strlen(text) != len) {
		free(text);
		say(&m, "%s: a NUL byte in the file", path);
		return -LKL_EINVAL;
	}
	r = lkl_load_config_json(text, out, err, err_len);
	free(text);
	/* The message starts with the file's name. */
	if (r && err && err_len) {
		sub = strdup(err);
		if (sub) {
			snprintf(err, err_len, "%s: %s", path, sub);
			free(sub);
		}
	}
	return r;
}

void lkl_config_free(struct lkl_config *cfg)
{
	int i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->iface_count; i++) {
		if (cfg->ifaces[i].netdev_id >= 0)
			lkl_netdev_remove(cfg->ifaces[i].netdev_id);
		free(cfg->ifaces[i].param);
		free(cfg->ifaces[i].neigh);
		free(cfg->ifaces[i].qdisc);
	}
	free(cfg->ifaces);
	for (i = 0; i < cfg->sysctl_count; i++) {
		free(cfg->sysctl[i].key);
		free(cfg->sysctl[i].value);
	}
	free(cfg->sysctl);
	for (i = 0; i < cfg->mount_count; i++)
		free(cfg->mount[i]);
	free(cfg->mount);
	for (i = 0; i < cfg->dump_count; i++)
		free(cfg->dump[i]);
	free(cfg->dump);
	free(cfg->nameserver);
	free(cfg->boot_cmdline);
	free(cfg);
}

/* ---- Before boot ---- */

static int add_netdev(struct lkl_config_iface *i, const char **call)
{
	switch (i->type) {
	case LKL_CONFIG_IF_TAP:
		*call = "lkl_netdev_add_tap";
		return lkl_netdev_add_tap(i->param, i->mac, i->mtu, i->offload);
	case LKL_CONFIG_IF_MACVTAP:
		*call = "lkl_netdev_add_macvtap";
		return lkl_netdev_add_macvtap(i->param, i->mac, i->mtu,
					      i->offload);
	case LKL_CONFIG_IF_RAW:
		*call = "lkl_netdev_add_raw";
		return lkl_netdev_add_raw(i->param, i->mac, i->mtu, i->offload);
	default:
		*call = "lkl_netdev_add_pipe";
		return lkl_netdev_add_pipe(atoi(i->param), i->mac, i->mtu,
					   i->offload);
	}
}

int lkl_config_add_netdevs(struct lkl_config *cfg, char *err,
			   unsigned int err_len)
{
	struct msg m = { err, err_len };
	char path[PATH_LEN];
	const char *call;
	int i, id;

	for (i = 0; i < cfg->iface_count; i++) {
		if (cfg->ifaces[i].netdev_id >= 0)
			continue;
		id = add_netdev(&cfg->ifaces[i], &call);
		if (id < 0) {
			snprintf(path, sizeof(path), "interfaces[%d].param", i);
			failed(&m, path, cfg->ifaces[i].param, call, id);
			while (i-- > 0) {
				lkl_netdev_remove(cfg->ifaces[i].netdev_id);
				cfg->ifaces[i].netdev_id = -1;
			}
			return id;
		}
		cfg->ifaces[i].netdev_id = id;
	}
	return 0;
}

int lkl_config_boot_cmdline(const struct lkl_config *cfg, const char *base,
			    char *buf, unsigned int len)
{
	const char *extra = cfg->boot_cmdline ? cfg->boot_cmdline : "";
	const char *sep;
	int n;

	if (!base)
		base = "";
	sep = *base && *extra ? " " : "";
	n = snprintf(NULL, 0, "%s%s%s", base, sep, extra);
	/* Nothing written when it does not fit: no half command line. */
	if (n < 0 || (unsigned int)n >= len)
		return -LKL_ERANGE;
	return snprintf(buf, len, "%s%s%s", base, sep, extra);
}

/* ---- After boot ---- */

/* @addr of family @af as text, for messages. */
static const char *ntop(int af, const void *addr, char *buf)
{
	if (!inet_ntop(af == LKL_AF_INET6 ? AF_INET6 : AF_INET, addr, buf,
		       INET6_ADDRSTRLEN))
		return "?";
	return buf;
}

static int apply_addresses(struct msg *m, int n, struct lkl_config_iface *i)
{
	char path[PATH_LEN], a[INET6_ADDRSTRLEN];
	char value[INET6_ADDRSTRLEN + 8];
	int r;

	if (i->has_ip) {
		snprintf(path, sizeof(path), "interfaces[%d].ip", n);
		snprintf(value, sizeof(value), "%s/%u",
			 ntop(LKL_AF_INET, &i->ip, a), i->masklen);
		r = lkl_if_set_ipv4(i->ifindex, i->ip, i->masklen);
		if (r)
			return failed(m, path, value, "lkl_if_set_ipv4", r);
	}
	if (i->has_ipv6) {
		snprintf(path, sizeof(path), "interfaces[%d].ipv6", n);
		snprintf(value, sizeof(value), "%s/%u",
			 ntop(LKL_AF_INET6, i->ipv6, a), i->masklen6);
		r = lkl_if_add_ipv6(i->ifindex, i->ipv6, i->masklen6);
		if (r)
			return failed(m, path, value, "lkl_if_add_ipv6", r);
	}
	return 0;
}

static int apply_gateways(struct msg *m, int n, struct lkl_config_iface *i)
{
	char path[PATH_LEN], g[INET6_ADDRSTRLEN];
	int r;

	if (i->has_ifgateway) {
		snprintf(path, sizeof(path), "interfaces[%d].ifgateway", n);
		ntop(LKL_AF_INET, &i->ifgateway, g);
		r = lkl_if_set_ipv4_gateway(i->ifindex, i->ip, i->masklen,
					    i->ifgateway);
		if (r)
			return failed(m, path, g, "lkl_if_set_ipv4_gateway", r);
	}
	if (i->has_ifgateway6) {
		snprintf(path, sizeof(path), "interfaces[%d].ifgateway6", n);
		ntop(LKL_AF_INET6, i->ifgateway6, g);
		r = lkl_if_set_ipv6_gateway(i->ifindex, i->ipv6, i->masklen6,
					    i->ifgateway6);
		if (r)
			return failed(m, path, g, "lkl_if_set_ipv6_gateway", r);
	}
	return 0;
}

static int apply_iface(struct msg *m, int n, struct lkl_config_iface *i)
{
	char path[PATH_LEN], value[INET6_ADDRSTRLEN + 24], a[INET6_ADDRSTRLEN];
	const struct lkl_config_neigh *nb;
	int r, k;

	snprintf(path, sizeof(path), "interfaces[%d].param", n);
	if (i->netdev_id < 0) {
		say(m, "%s: \"%s\": no device: call lkl_config_add_netdevs() before boot",
		    path, i->param);
		return -LKL_ENODEV;
	}
	i->ifindex = lkl_netdev_get_ifindex(i->netdev_id);
	if (i->ifindex < 0) {
		r = i->ifindex;
		i->ifindex = 0;
		return failed(m, path, i->param, "lkl_netdev_get_ifindex", r);
	}
	r = lkl_if_up(i->ifindex);
	if (r)
		return failed(m, path, i->param, "lkl_if_up", r);
	r = apply_addresses(m, n, i);
	if (r)
		return r;
	/*
	 * Neighbours after the addresses: setting an interface's only IPv4
	 * address drops it for a moment, and the kernel then flushes the
	 * interface's ARP entries, permanent ones too.
	 */
	for (k = 0; k < i->neigh_count; k++) {
		nb = &i->neigh[k];
		snprintf(path, sizeof(path), "interfaces[%d].neigh", n);
		snprintf(value, sizeof(value),
			 "%s|%02x:%02x:%02x:%02x:%02x:%02x",
			 ntop(nb->af, nb->ip, a), nb->mac[0], nb->mac[1],
			 nb->mac[2], nb->mac[3], nb->mac[4], nb->mac[5]);
		r = lkl_add_neighbor(i->ifindex, nb->af, nb->ip, nb->mac);
		if (r)
			return failed(m, path, value, "lkl_add_neighbor", r);
	}
	r = apply_gateways(m, n, i);
	if (r)
		return r;
	if (i->qdisc) {
		snprintf(path, sizeof(path), "interfaces[%d].qdisc", n);
		r = lkl_qdisc_add(i->ifindex, i->qdisc);
		if (r)
			return failed(m, path, i->qdisc, "lkl_qdisc_add", r);
	}
	return 0;
}

/* "mptcp_limits": a limit not given keeps the kernel's value. */
static int apply_mptcp_limits(struct msg *m, const struct lkl_config *cfg)
{
	unsigned int subflows, add_addr;
	char value[64];
	int r;

	if (!cfg->has_mptcp_subflows && !cfg->has_mptcp_add_addr_accepted)
		return 0;
	r = lkl_mptcp_get_limits(&subflows, &add_addr);
	if (r)
		return failed(m, "mptcp_limits", "", "lkl_mptcp_get_limits",
			      r);
	if (cfg->has_mptcp_subflows)
		subflows = cfg->mptcp_subflows;
	if (cfg->has_mptcp_add_addr_accepted)
		add_addr = cfg->mptcp_add_addr_accepted;
	r = lkl_mptcp_set_limits(subflows, add_addr);
	snprintf(value, sizeof(value), "subflows=%u add_addr_accepted=%u",
		 subflows, add_addr);
	return r ? failed(m, "mptcp_limits", value, "lkl_mptcp_set_limits", r) :
		   0;
}

/* Interface @n's endpoint for its address @addr of family @af. */
static int apply_endpoint(struct msg *m, int n, struct lkl_config_iface *i,
			  int af, const void *addr, int *id)
{
	struct lkl_mptcp_endpoint ep = {
		.id = i->mptcp_id,
		.af = af,
		.port = i->mptcp_port,
		.ifindex = i->ifindex,
		.flags = i->mptcp_flags,
	};
	char path[PATH_LEN], value[INET6_ADDRSTRLEN + 64], a[INET6_ADDRSTRLEN];
	size_t k;
	int r;

	memcpy(ep.addr, addr, af == LKL_AF_INET ? 4 : 16);
	r = lkl_mptcp_endpoint_add(&ep);
	if (r > 0) {
		*id = r;
		return 0;
	}
	/* "10.0.2.2 subflow,backup": which address, with which flags. */
	snprintf(value, sizeof(value), "%s", ntop(af, addr, a));
	for (k = 0; k < sizeof(mptcp_flags) / sizeof(mptcp_flags[0]); k++)
		if (i->mptcp_flags & mptcp_flags[k].flag)
			snprintf(value + strlen(value),
				 sizeof(value) - strlen(value), "%s%s",
				 strchr(value, ' ') ? "," : " ",
				 mptcp_flags[k].name);
	snprintf(path, sizeof(path), "interfaces[%d].mptcp", n);
	return failed(m, path, value, "lkl_mptcp_endpoint_add", r ? r :
		      -LKL_EPROTO);
}

static int apply_endpoints(struct msg *m, struct lkl_config *cfg)
{
	struct lkl_config_iface *i;
	int n, r = 0;

	for (n = 0; n < cfg->iface_count && !r; n++) {
		i = &cfg->ifaces[n];
		if (!i->has_mptcp)
			continue;
		if (i->has_ip)
			r = apply_endpoint(m, n, i, LKL_AF_INET, &i->ip,
					   &i->mptcp_id4);
		if (!r && i->has_ipv6)
			r = apply_endpoint(m, n, i, LKL_AF_INET6, i->ipv6,
					   &i->mptcp_id6);
	}
	return r;
}

/* "dhcp": a client each; the router is the default without "gateway". */
static int apply_dhcp(struct msg *m, struct lkl_config *cfg)
{
	struct lkl_dhcp_options opt = { .default_route = !cfg->has_gateway };
	struct lkl_config_iface *i;
	char path[PATH_LEN];
	int n, r;

	for (n = 0; n < cfg->iface_count; n++) {
		i = &cfg->ifaces[n];
		if (!i->dhcp)
			continue;
		opt.mptcp_flags = i->has_mptcp ? i->mptcp_flags : 0;
		r = lkl_dhcp_start(i->ifindex, &opt);
		snprintf(path, sizeof(path), "interfaces[%d].dhcp", n);
		if (r)
			return failed(m, path, "true", "lkl_dhcp_start", r);
	}
	return 0;
}

int lkl_config_apply(struct lkl_config *cfg, char *err, unsigned int err_len)
{
	struct msg m = { err, err_len };
	char a[INET6_ADDRSTRLEN], value[512];
	int i, r;

	for (i = 0; i < cfg->mount_count; i++) {
		r = lkl_mount_fs(cfg->mount[i]);
		if (r)
			return failed(&m, "mount", cfg->mount[i],
				      "lkl_mount_fs", r);
	}
	for (i = 0; i < cfg->sysctl_count; i++) {
		r = lkl_sysctl(cfg->sysctl[i].key, cfg->sysctl[i].value);
		snprintf(value, sizeof(value), "%s=%s", cfg->sysctl[i].key,
			 cfg->sysctl[i].value);
		if (r)
			return failed(&m, "sysctl", value, "lkl_sysctl", r);
	}
	for (i = 0; i < cfg->iface_count; i++) {
		r = apply_iface(&m, i, &cfg->ifaces[i]);
		if (r)
			return r;
	}
	if (cfg->has_gateway) {
		r = lkl_set_ipv4_gateway(cfg->gateway);
		if (r)
			return failed(&m, "gateway",
				      ntop(LKL_AF_INET, &cfg->gateway, a),
				      "lkl_set_ipv4_gateway", r);
	}
	if (cfg->has_gateway6) {
		r = lkl_set_ipv6_gateway(cfg->gateway6);
		if (r)
			return failed(&m, "gateway6",
				      ntop(LKL_AF_INET6, cfg->gateway6, a),
				      "lkl_set_ipv6_gateway", r);
	}
	r = apply_mptcp_limits(&m, cfg);
	if (!r)
		r = apply_endpoints(&m, cfg);
	return r ? r : apply_dhcp(&m, cfg);
}
