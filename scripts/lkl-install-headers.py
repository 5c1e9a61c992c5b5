#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Install the LKL uapi headers with every name they define prefixed.

Usage: lkl-install-headers.py RAW_UAPI_INCLUDE_DIR KERNEL_SRC_DIR
                              OUT_INCLUDE_DIR [--cc CC] [--verify]

RAW_UAPI_INCLUDE_DIR is the usr/include of `make ARCH=lkl headers_install`.
Every header of it is written to OUT/lkl/<same path>, and two files
are generated beside them; OUT/lkl is replaced as a whole at the end, so
a failed run leaves the previous set in place.

Includes.  #include <X> and "X" of a header of the raw set become
<lkl/X>; includes of libc headers stay.

Prefixing.  Every name the set defines -- object- and function-like
macros, typedefs, struct/union/enum tags, enum constants, static inline
functions -- is renamed wherever it occurs as a token (never in comments
or string literals), by prefix():
    __u32 -> __lkl__u32     _IOW -> _LKL_IOW     _sigset -> _lkl_sigset
    AF_INET -> LKL_AF_INET  sockaddr_in -> lkl_sockaddr_in
Names that already start with lkl_/LKL_ (host_ops.h) are left alone, and
so are names never defined in the set (__KERNEL__, libc's struct
sockaddr used by linux/if.h): they keep their meaning.  NEVER_PREFIX
lists the names that are not ours even where a header defines them.

Struct members are not renamed: a member spelled like a defined tag,
typedef, enum constant or function-like macro keeps its name
(mark_members()).  Two kinds are renamed: members spelled like an
object-like macro of the set (the preprocessor would expand them anyway;
linux/phonet.h's pn_submsg_id aliases), and LIBC_MEMBER_MACROS, members
that libc #defines (st_atime, sa_handler), which would break when libc's
header comes first: they are s.lkl_st_atime, act.lkl_sa_handler.

Pasted names.  A name fragment pasted with a macro argument
(PERF_MEM_##a) is prefixed, as the result is a name of the set; an
argument that a macro pastes on the right (NILFS_CPINFO_FNS(MINOR, ..))
is kept as written, one it pastes on the left (TLS_VERSION_NUMBER(
TLS_1_2) -> TLS_1_2##_VERSION_MAJOR) is prefixed.

libc.  A header that tests __GLIBC__ to leave definitions to glibc
(libc-compat.h, linux/stat.h) gets them unconditionally: prefixed, they
cannot clash.  A header that relies on libc for a name the set defines
(struct timeval from <sys/time.h>, _IOW from <sys/ioctl.h>) gets the
header of the set that defines it included (LIBC_SHADOWED).

Generated files:
  lkl/syscalls.h  static inline lkl_sys_<name>() for every entry of the
                  generic system call table, calling lkl_syscall();
  lkl/socket.h    the socket ABI the kernel keeps out of uapi (LKL_AF_*,
                  LKL_SOCK_*, LKL_MSG_*, struct lkl_sockaddr, ...).

--verify checks that every object-like macro of every header expands to
the same tokens before and after prefixing, modulo the renaming.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


class InstallError(Exception):
    pass


def die(msg):
    raise InstallError(msg)


# ---------------------------------------------------------------------------
# Names that are never prefixed, even where a header defines them.

# C and C++ keywords: a header may use them as arguments of its own macros,
# and they can never be renamed.
C_KEYWORDS = set('''
auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed
sizeof static struct switch typedef union unsigned void volatile while
_Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
_Static_assert _Thread_local bool true false nullptr typeof alignof
asm class new delete this template typename private public protected
operator namespace using virtual friend
'''.split())

# GNU C spellings of keywords and builtins: owned by the compiler.
COMPILER_BUILTINS = set('''
__attribute__ __attribute __inline__ __inline __extension__ __asm__ __asm
__volatile__ __volatile __signed__ __signed __const__ __const __restrict
__restrict__ __typeof__ __typeof __alignof__ __alignof __label__
__builtin_constant_p __builtin_offsetof __builtin_expect __builtin_bswap16
__builtin_bswap32 __builtin_bswap64 __builtin_va_list __int128
__has_attribute __has_builtin __has_include __has_feature
__func__ __FUNCTION__ __PRETTY_FUNCTION__
'''.split())

# Macros the compiler predefines (word size, byte order, target, language
# level): headers test them; they are the compiler's, not ours.  Our own
# __BITS_PER_LONG is *not* here: asm/bitsperlong.h defines it.
COMPILER_PREDEFINED = set('''
__GNUC__ __GNUC_MINOR__ __GNUC_PATCHLEVEL__ __clang__ __STDC__
__STDC_VERSION__ __STDC_HOSTED__ __cplusplus __OPTIMIZE__ __CHAR_BIT__
__SIZEOF_LONG__ __SIZEOF_POINTER__ __SIZEOF_INT__ __SIZEOF_LONG_LONG__
__SIZEOF_SHORT__ __SIZEOF_INT128__ __SIZE_TYPE__ __PTRDIFF_TYPE__
__WCHAR_TYPE__ __BYTE_ORDER__ __ORDER_LITTLE_ENDIAN__ __ORDER_BIG_ENDIAN__
__ORDER_PDP_ENDIAN__ __FLOAT_WORD_ORDER__ __CHAR_UNSIGNED__
__x86_64__ __x86_64 __amd64__ __i386__ __i386 __aarch64__ __arm__
__ARMEB__ __ARM_EABI__ __thumb__ __mips__ __mips64 __powerpc__
__powerpc64__ __PPC64__ __riscv __riscv_xlen __s390__ __s390x__ __sparc__
__sparc_v9__ __alpha__ __ia64__ __hppa__ __sh__ __m68k__ __loongarch__
__ILP32__ __LP64__ _LP64 _ILP32 __linux__ __linux __unix__ __unix
__gnu_linux__ __ELF__ __KERNEL__ __ASSEMBLY__ __ASSEMBLER__ __CHECKER__
__BIG_ENDIAN__ __LITTLE_ENDIAN__ __MIPSEB__ __MIPSEL__ _MIPS_SZLONG
_MIPS_SIM _ABIO32 _ABIN32 _ABI64 __USE_MISC __USE_GNU
'''.split())

# GNU attribute names: they appear inside __attribute__((...)), where a
# renamed spelling would be an unknown attribute.
ATTRIBUTE_NAMES = set('''
aligned __aligned__ packed __packed__ may_alias __may_alias__ unused
__unused__ deprecated __deprecated__ noreturn __noreturn__ always_inline
__always_inline__ const __const__ format __format__ __printf__ printf
section __section__ mode __mode__ __DI__ __SI__ __HI__ __QI__ vector_size
__vector_size__ warn_unused_result __warn_unused_result__ pure __pure__
nonnull __nonnull__ noinline __noinline__ used __used__ weak __weak__
visibility __visibility__ transparent_union __transparent_union__
counted_by __counted_by__
'''.split())

# Names of libc.  Macros a uapi header tests to find out which libc it is
# with (__GLIBC__ itself is resolved in fixup()); and the BSD/C99 types
# that linux/coda.h defines itself only for DJGPP and Cygwin, under
# glibc's own guard __BIT_TYPES_DEFINED__, but that other headers
# (linux/fuse.h, drm/drm.h) take from libc's <stdint.h>.
LIBC_OWNED = set('''
__GLIBC__ __GLIBC_MINOR__ _NET_IF_H _NETINET_IN_H _SYS_XATTR_H _NETIPX_IPX_H
_NETINET_IF_ETHER_H _SYS_SOCKET_H _SYS_SELECT_H _STDINT_H _STDDEF_H
NULL size_t ssize_t ptrdiff_t wchar_t offsetof
__BIT_TYPES_DEFINED__ int8_t int16_t int32_t int64_t u_int8_t u_int16_t
u_int32_t u_int64_t uint8_t uint16_t uint32_t uint64_t u_long u_int u_short
u_char ino_t dev_t caddr_t
'''.split())

NEVER_PREFIX = (C_KEYWORDS | COMPILER_BUILTINS | COMPILER_PREDEFINED |
                ATTRIBUTE_NAMES | LIBC_OWNED)

# Struct members that libcs define as object-like macros (glibc:
# sys/stat.h "#define st_atime st_atim.tv_sec", signal.h "#define
# sa_handler __sigaction_handler.sa_handler"; musl the same).  Left alone,
# a member of struct lkl_stat or struct lkl_sigaction would be expanded by
# such a macro when libc's header comes first, and break.  They are
# prefixed like defined names: s.lkl_st_atime, act.lkl_sa_handler.
LIBC_MEMBER_MACROS = set('''
st_atime st_mtime st_ctime sa_handler sa_sigaction
'''.split())


def prefix(name):
    """The installed spelling of a defined name."""
    if name.startswith(('lkl_', 'LKL_', '__lkl', '_LKL', '_lkl')):
        return name
    if name.startswith('__'):
        return '__lkl' + name          # __u32 -> __lkl__u32
    if name.startswith('_'):
        if name[1:2].isupper():
            return '_LKL' + name       # _IOW -> _LKL_IOW
        return '_lkl' + name           # _sigset -> _lkl_sigset
    if name[0].isupper():
        return 'LKL_' + name           # AF_INET -> LKL_AF_INET
    return 'lkl_' + name               # sockaddr_in -> lkl_sockaddr_in


# ---------------------------------------------------------------------------
# Tokenizing.  The same tokenizer serves the analysis and the rewriting, so
# comments and string literals are never touched by either.

TOKEN_RE = re.compile(r'''
   (?P<comment>/\*.*?\*/|//(?:\\\n|[^\n])*)
 | (?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
 | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
 | (?P<number>\.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.])*)
 | (?P<newline>\n)
 | (?P<splice>\\\n)
 | (?P<space>[ \t\r\f\v]+)
 | (?P<punct>\#\#|->|\.\.\.|<<=|>>=|<<|>>|[<>!=+\-*/%&|^]=|&&|\|\||\+\+|--|.)
''', re.S | re.X)


def lex(text, path):
    """Yield (kind, text) for every token, whitespace and comments too."""
    pos = 0
    n = len(text)
    while pos < n:
        m = TOKEN_RE.match(text, pos)
        if not m:
            die('%s: cannot tokenize at offset %d' % (path, pos))
        yield m.lastgroup, m.group()
        pos = m.end()


def logical_lines(tokens):
    """Group tokens into logical lines: (is_directive, [tokens]).

    A directive runs from a '#' first on its line to the next newline that
    is not spliced and not inside a comment; the newline ends the line.
    """
    line = []
    for tok in tokens:
        line.append(tok)
        if tok[0] == 'newline':
            yield line
            line = []
    if line:
        yield line


def split_directive(line):
    """For a line of tokens, return (directive name or None, index after)."""
    i = 0
    while i < len(line) and line[i][0] in ('space', 'comment', 'splice'):
        i += 1
    if i < len(line) and line[i] == ('punct', '#'):
        i += 1
        while i < len(line) and line[i][0] in ('space', 'comment', 'splice'):
            i += 1
        if i < len(line) and line[i][0] == 'ident':
            return line[i][1], i + 1
        return '', i
    return None, 0


# ---------------------------------------------------------------------------
# Analysis: what does each header define?

class Header:
    def __init__(self, raw, rel, text):
        self.raw = raw
        self.rel = rel
        self.text = text
        self.tokens = list(lex(text, rel))
        self.directives = []   # (name, [significant tokens after name])
        self.code = []         # significant tokens outside directives
        for line in logical_lines(self.tokens):
            name, i = split_directive(line)
            sig = [t for t in line[i:] if t[0] not in
                   ('space', 'comment', 'splice', 'newline')]
            if name is None:
                self.code.extend(sig)
            else:
                self.directives.append((name, sig))
        self.macros = {}        # name -> None (object-like) or [params]
        self.typedefs = set()
        self.tags = set()
        self.enum_consts = set()
        self.functions = set()
        self.members = set()
        self.obj_macros = set()


def parse_directives(hdr):
    for name, sig in hdr.directives:
        if name != 'define' or not sig or sig[0][0] != 'ident':
            continue
        mname = sig[0][1]
        # Function-like only if '(' follows the name with no space; the
        # significant-token list lost spacing, so look at the raw text.
        params = None
        if len(sig) > 1 and sig[1][1] == '(':
            if re.search(r'#\s*define\s+' + re.escape(mname) + r'\(',
                         hdr.text):
                params = []
                for t in sig[2:]:
                    if t[1] == ')':
                        break
                    if t[0] == 'ident':
                        params.append(t[1])
        hdr.macros[mname] = params
        if params is None:
            hdr.obj_macros.add(mname)


def match_group(toks, i):
    """Index of the token closing the group opened at toks[i]."""
    pairs = {'(': ')', '[': ']', '{': '}'}
    open_ = toks[i]
    close = pairs[open_]
    depth = 0
    for j in range(i, len(toks)):
        if toks[j] == open_:
            depth += 1
        elif toks[j] == close:
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def strip_attributes(toks):
    out = []
    i = 0
    while i < len(toks):
        if toks[i] in ('__attribute__', '__attribute') and \
           i + 1 < len(toks) and toks[i + 1] == '(':
            i = match_group(toks, i + 1) + 1
            continue
        out.append(toks[i])
        i += 1
    return out


def strip_braces(toks):
    out = []
    i = 0
    while i < len(toks):
        if toks[i] == '{':
            i = match_group(toks, i) + 1
            out.append('{}')
            continue
        out.append(toks[i])
        i += 1
    return out


def split_top(toks, sep):
    parts, cur, depth = [], [], 0
    for t in toks:
        if t in ('(', '[', '{'):
            depth += 1
        elif t in (')', ']', '}'):
            depth -= 1
        if t == sep and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    return parts


IDENT_RE = re.compile(r'[A-Za-z_]\w*$')
NOT_A_NAME = C_KEYWORDS | COMPILER_BUILTINS | {'{}'}


def declarator_name(toks):
    """The name a declarator declares: 'unsigned long x[4]' -> x,
    'void (*fn)(int)' -> fn, 'int a : 3' -> a."""
    toks = strip_attributes(toks)
    # Drop an initializer and a bit-field width.
    for sep in ('=', ':'):
        parts = split_top(toks, sep)
        toks = parts[0]
    while toks:
        if toks[-1] == ']':
            depth = 0
            for j in range(len(toks) - 1, -1, -1):
                if toks[j] == ']':
                    depth += 1
                elif toks[j] == '[':
                    depth -= 1
                    if depth == 0:
                        break
            toks = toks[:j]
            continue
        if toks[-1] == ')':
            depth = 0
            for j in range(len(toks) - 1, -1, -1):
                if toks[j] == ')':
                    depth += 1
                elif toks[j] == '(':
                    depth -= 1
                    if depth == 0:
                        break
            inner = toks[j + 1:-1]
            if inner and inner[0] in ('*', '^'):
                toks = inner
            else:
                toks = toks[:j]
            continue
        break
    for t in reversed(toks):
        if IDENT_RE.match(t) and t not in NOT_A_NAME:
            return t
    return None


def statements(toks, lo, hi):
    """Split toks[lo:hi] into statements at this depth (end at ';' or at
    the '}' closing a function body).  Yields (start, end) index pairs."""
    start = lo
    i = lo
    while i < hi:
        t = toks[i]
        if t == ';':
            yield start, i
            start = i + 1
        elif t == '{':
            j = match_group(toks, i)
            # A function body ends its statement without ';'.
            prev = strip_attributes(toks[start:i])
            if prev and prev[-1] == ')' and 'typedef' not in prev and \
               '=' not in prev:
                yield start, j + 1
                start = j + 1
            i = j
        elif t in ('(', '['):
            i = match_group(toks, i)
        i += 1
    if start < hi and any(t not in ('}',) for t in toks[start:hi]):
        yield start, hi


def parse_body(hdr, toks, lo, hi, in_struct):
    """Record what the statements of toks[lo:hi] define."""
    for s, e in statements(toks, lo, hi):
        stmt = toks[s:e]
        if not stmt:
            continue
        # Nested definitions of tags and enumerators, anywhere in it.
        i = s
        while i < e:
            t = toks[i]
            if t in ('struct', 'union', 'enum'):
                j = i + 1
                while j < e and toks[j] in ('__attribute__', '__attribute'):
                    j = match_group(toks, j + 1) + 1
                tag = None
                if j < e and IDENT_RE.match(toks[j]) and \
                   toks[j] not in NOT_A_NAME:
                    tag = toks[j]
                    j += 1
                while j < e and toks[j] in ('__attribute__', '__attribute'):
                    j = match_group(toks, j + 1) + 1
                if j < e and toks[j] == '{':
                    close = match_group(toks, j)
                    if tag:
                        hdr.tags.add(tag)
                    if t == 'enum':
                        for item in split_top(toks[j + 1:close], ','):
                            item = strip_attributes(item)
                            if item and IDENT_RE.match(item[0]):
                                hdr.enum_consts.add(item[0])
                    else:
                        parse_body(hdr, toks, j + 1, close, True)
                    i = close + 1
                    continue
                i = j
                continue
            if t == '__struct_group' and i + 2 < e and toks[i + 1] == '(':
                # __struct_group(TAG, NAME, ATTRS, MEMBERS...) declares
                # struct TAG (linux/stddef.h).
                if IDENT_RE.match(toks[i + 2]):
                    hdr.tags.add(toks[i + 2])
                close = match_group(toks, i + 1)
                args = split_top(toks[i + 2:close], ',')
                if len(args) >= 4:
                    members = [x for a in args[3:] for x in a + [',']][:-1]
                    parse_body(hdr, members, 0, len(members), True)
                i = close + 1
                continue
            i += 1
        flat = strip_braces(stmt)
        flat_na = strip_attributes(flat)
        if not flat_na:
            continue
        if in_struct:
            for d in split_top(flat_na, ','):
                name = declarator_name(d)
                if name:
                    hdr.members.add(name)
            continue
        if flat_na[0] == 'typedef' or 'typedef' in flat_na:
            for d in split_top(flat_na[flat_na.index('typedef') + 1:], ','):
                name = declarator_name(d)
                if name:
                    hdr.typedefs.add(name)
            continue
        # A function definition at file scope: name before its '('.
        if stmt[-1] == '}' and '{}' in flat_na:
            head = flat_na[:flat_na.index('{}')]
            if head and head[-1] == ')':
                k = head.index('(')
                if k > 0 and IDENT_RE.match(head[k - 1]):
                    hdr.functions.add(head[k - 1])
            continue
        # Prototypes and variables at file scope.
        if flat_na[0] == 'extern' or '(' in flat_na:
            k = flat_na.index('(') if '(' in flat_na else len(flat_na)
            if 0 < k < len(flat_na) and IDENT_RE.match(flat_na[k - 1]) and \
               flat_na[k - 1] not in NOT_A_NAME:
                hdr.functions.add(flat_na[k - 1])


def parse_code(hdr):
    toks = [t[1] for t in hdr.code]
    # extern "C" { ... } wrappers (under #ifdef __cplusplus) are not
    # scopes; drop them and the '}' left unmatched at file scope.
    out = []
    i = 0
    while i < len(toks):
        if toks[i] == 'extern' and i + 2 < len(toks) and \
           toks[i + 1] == '"C"' and toks[i + 2] == '{':
            i += 3
            continue
        out.append(toks[i])
        i += 1
    toks = []
    depth = 0
    for t in out:
        if t == '{':
            depth += 1
        elif t == '}':
            if depth == 0:
                continue
            depth -= 1
        toks.append(t)
    toks.extend('}' * depth)
    parse_body(hdr, toks, 0, len(toks), False)


# ---------------------------------------------------------------------------
# Rewriting.

def resolve_include(raw, cur_rel, spec, quoted):
    """The raw-relative path an include names, or None if not ours."""
    if quoted:
        cand = os.path.normpath(os.path.join(os.path.dirname(cur_rel), spec))
        if os.path.isfile(os.path.join(raw, cand)):
            return cand
    cand = os.path.normpath(spec)
    if not cand.startswith('..') and os.path.isfile(os.path.join(raw, cand)):
        return cand
    return None


def includes_of(hdr):
    """Raw-relative paths of the headers of the set hdr includes."""
    res = []
    for name, sig in hdr.directives:
        if name != 'include' or not sig:
            continue
        spec = ''.join(t[1] for t in sig)
        if spec.startswith('"'):
            quoted, spec = True, spec.strip('"')
        elif spec.startswith('<') and spec.endswith('>'):
            quoted, spec = False, spec[1:-1]
        else:
            continue
        target = resolve_include(hdr.raw, hdr.rel, spec, quoted)
        if target:
            res.append(target)
    return res


def closure(by_rel, rel, seen=None):
    """rel and every header of the set it includes, transitively."""
    seen = set() if seen is None else seen
    h = by_rel.get(rel)
    if h is None or rel in seen:
        return seen
    seen.add(rel)
    for inc in includes_of(h):
        closure(by_rel, inc, seen)
    return seen


# Names that a few headers take from libc (<sys/time.h>, <signal.h>,
# <net/if.h>) and that the set defines too: prefixed, they must come from
# our header, so a header that needs one gets that header included.
LIBC_SHADOWED = {
    'timeval': 'linux/time.h', 'timespec': 'linux/time.h',
    'itimerspec': 'linux/time.h', 'itimerval': 'linux/time.h',
    'timezone': 'linux/time.h', 'stack_t': 'asm/signal.h',
    'sigset_t': 'asm/signal.h', 'sigcontext': 'asm/sigcontext.h',
    'IFNAMSIZ': 'linux/if.h', '_IO': 'linux/ioctl.h', '_IOR': 'linux/ioctl.h',
    '_IOW': 'linux/ioctl.h', '_IOWR': 'linux/ioctl.h',
}


def missing_includes(hdr, by_rel):
    """Headers of LIBC_SHADOWED that hdr needs and does not include."""
    have = closure(by_rel, hdr.rel)
    toks = [t[1] for t in hdr.code]
    # Macro bodies use macros of other headers too.
    for name, sig in hdr.directives:
        if name == 'define':
            toks.extend(t[1] for t in sig[1:] if t[1].isupper())
    need = set()
    for i, t in enumerate(toks):
        home = LIBC_SHADOWED.get(t)
        if not home or home in have or t in hdr.tags or t in hdr.typedefs:
            continue
        if i > 0 and toks[i - 1] in ('struct', 'union'):
            # By pointer an incomplete type will do.
            if i + 1 < len(toks) and toks[i + 1] == '*':
                continue
        elif not t.endswith('_t') and not t.isupper():
            # Only types and macros are needed by value.
            continue
        need.add(home)
    return sorted(need)


def add_includes(text, incs):
    """Insert #include lines at the top, after the leading comments.

    Before the include guard, so that a header the added one includes
    back (linux/if.h includes linux/hdlc/ioctl.h) still sees it whole.
    """
    lines = ''.join('#include <lkl/%s>\t/* added: libc\'s will not do */\n'
                    % i for i in incs)
    m = re.match(r'(\s*(/\*.*?\*/|//[^\n]*))*\s*\n', text, re.S)
    pos = m.end() if m else 0
    return text[:pos] + lines + text[pos:]


INCLUDE_RE = re.compile(r'(#\s*include\s*)(<([^>]+)>|"([^"]+)")')


SKIP = ('space', 'comment', 'splice', 'newline')


def paste_params(headers):
    """{macro: (right, left)}: positions of the parameters a function-like
    macro pastes on the right of '##' (PREFIX_##x: the argument is a name
    fragment and must stay as written) and only on the left (x##_SUFFIX:
    the argument starts a name of the set and is prefixed)."""
    info = {}
    for h in headers:
        for name, sig in h.directives:
            if name != 'define' or len(sig) < 2:
                continue
            params = h.macros.get(sig[0][1])
            if not params:
                continue
            body = [t[1] for t in sig[2 + 2 * len(params) - 1:]]
            right, left = set(), set()
            for i, t in enumerate(body):
                if t in params:
                    pos = params.index(t)
                    if i > 0 and body[i - 1] == '##':
                        right.add(pos)
                    if i + 1 < len(body) and body[i + 1] == '##':
                        left.add(pos)
            if right or left:
                r, l = info.get(sig[0][1], (set(), set()))
                info[sig[0][1]] = (r | right, (l | left))
    return {m: (r, l - r) for m, (r, l) in info.items()}


def mark_members(toks, st, rename, always, forced):
    """Keep struct members and member accesses as they are.

    Members have a name space of their own: a member called like an enum
    constant (ss in linux/usb/ch11.h, of sound/hdspm.h), a tag (stat) or
    a function-like macro (bytes, of linux/netfilter/xt_sctp.h) is not
    that name, and keeps its spelling.  Names in `always' (object-like
    macros, LIBC_MEMBER_MACROS) would be expanded by the preprocessor
    anywhere, so they are renamed there too.
    """
    braces = []
    for k, ti in enumerate(st):
        t = toks[ti][1]
        prev = toks[st[k - 1]][1] if k > 0 else ''
        if t == '{':
            pp = toks[st[k - 2]][1] if k > 1 else ''
            braces.append(prev in ('struct', 'union') or
                          (pp in ('struct', 'union') and
                           IDENT_RE.match(prev) is not None))
            continue
        if t == '}':
            if braces:
                braces.pop()
            continue
        if toks[ti][0] != 'ident' or t not in rename or t in always:
            continue
        nxt = toks[st[k + 1]][1] if k + 1 < len(st) else ''
        if prev in ('.', '->'):
            forced[ti] = t
        elif braces and braces[-1] and \
                nxt in (';', ',', '[', ':', ')') and \
                (prev in ('*', '}', ',') or
                 # "} __attribute__((packed)) name;"
                 (prev == ')' and nxt in (';', ',', '[')) or
                 (IDENT_RE.match(prev) and
                  prev not in ('struct', 'union', 'enum'))):
            # A declarator in a struct or union body.
            forced[ti] = t


def rewrite(hdr, raw, rename, pastes, always):
    lines = list(logical_lines(hdr.tokens))
    kinds = [split_directive(line)[0] for line in lines]
    # Decisions for single tokens: index in hdr.tokens -> new text.
    forced = {}
    # Arguments of macros that paste them, in code (one stream across
    # lines) and in each directive (its own stream).
    streams = [([], set())]
    base = 0
    for line, kind in zip(lines, kinds):
        idx = [base + i for i, t in enumerate(line) if t[0] not in SKIP]
        if kind is None:
            streams[0][0].extend(idx)
        elif kind == 'define' and len(idx) > 2:
            # The body only: skip '# define NAME(params)'; arguments
            # that are parameters of this macro are not names.
            body = idx[3:]
            params = set()
            if line[idx[2] - base + 1][1] == '(':
                # Function-like: '(' right after the name.
                close = next((k for k, i in enumerate(body)
                              if line[i - base][1] == ')'), len(body))
                params = {line[i - base][1] for i in body[:close]
                          if line[i - base][0] == 'ident'}
                body = body[close + 1:]
            streams.append((body, params))
        base += len(line)
    toks = hdr.tokens
    for st, params in streams:
        mark_members(toks, st, rename, always, forced)
    for st, params in streams:
        for k, ti in enumerate(st):
            info = pastes.get(toks[ti][1])
            if not info or k + 1 >= len(st) or toks[st[k + 1]][1] != '(':
                continue
            right, left = info
            depth = 0
            arg = 0
            cur = []
            for tj in st[k + 1:]:
                t = toks[tj][1]
                if t in ('(', '[', '{'):
                    depth += 1
                    if depth == 1:
                        continue
                elif t in (')', ']', '}'):
                    depth -= 1
                if depth == 0 or (depth == 1 and t == ','):
                    if len(cur) == 1 and toks[cur[0]][0] == 'ident':
                        word = toks[cur[0]][1]
                        if word in params:
                            pass
                        elif arg in right:
                            forced[cur[0]] = word
                        elif arg in left and word not in NEVER_PREFIX:
                            forced[cur[0]] = prefix(word)
                    cur = []
                    arg += 1
                    if depth == 0:
                        break
                    continue
                cur.append(tj)

    out = []
    base = 0
    for line, name in zip(lines, kinds):
        start = base
        base += len(line)
        if name == 'include':
            text = ''.join(t[1] for t in line)
            m = INCLUDE_RE.search(text)
            if m:
                spec = m.group(3) or m.group(4)
                target = resolve_include(raw, hdr.rel, spec, bool(m.group(4)))
                if target:
                    text = text[:m.start(2)] + '<lkl/%s>' % target + \
                        text[m.end(2):]
            out.append(text)
            continue
        if name in ('error', 'warning'):
            out.append(''.join(t[1] for t in line))
            continue
        params = set()
        sig = [i for i, t in enumerate(line) if t[0] not in SKIP]
        if name == 'define' and len(sig) > 2:
            params = set(hdr.macros.get(line[sig[2]][1]) or ())
        for n, (kind, text) in enumerate(line):
            if start + n in forced:
                text = forced[start + n]
            elif kind == 'ident':
                if text in rename:
                    text = rename[text]
                elif name == 'define' and text not in params and \
                        text not in NEVER_PREFIX:
                    # A name fragment pasted with an argument
                    # (PERF_MEM_##a, nilfs_checkpoint_set_##name): the
                    # result is a name of the set, so prefix the fragment.
                    k = sig.index(n)
                    if k + 1 < len(sig) and line[sig[k + 1]][1] == '##' \
                       and (k == 0 or line[sig[k - 1]][1] != '##'):
                        text = prefix(text)
            out.append(text)
    return ''.join(out)


def fixup(rel, text):
    """Header-specific edits, each one checked to have applied."""
    # The headers must define everything whatever libc is in use: their
    # names are prefixed and never clash.  They test __GLIBC__ to hold
    # back definitions that glibc would also make (libc-compat.h,
    # linux/stat.h), so take it as undefined.
    lines = text.split('\n')
    for i, line in enumerate(lines):
        if re.match(r'\s*#\s*(el)?if', line) and '__GLIBC__' in line:
            line = re.sub(r'defined\s*\(\s*__GLIBC__\s*\)', '0', line)
            line = re.sub(r'defined\s+__GLIBC__\b', '0', line)
            line = re.sub(r'\b__GLIBC__\b', '0', line)
            lines[i] = line
    text = '\n'.join(lines)
    # linux/patchkey.h and linux/soundcard.h compare libc's __BYTE_ORDER
    # (from <endian.h>) with libc's __BIG_ENDIAN and __LITTLE_ENDIAN;
    # linux/byteorder/*.h define those too, so they were prefixed.
    text = re.sub(r'(__BYTE_ORDER\s*==\s*)__lkl(__(BIG|LITTLE)_ENDIAN)\b',
                  r'\1\2', text)
    for old, new in FIXUPS.get(rel, ()):
        if old not in text:
            die('%s: fixup no longer applies: %r not found' % (rel, old))
        text = text.replace(old, new)
    return text


# Edits of single headers, after prefixing: (rel, [(old, new)]).
FIXUPS = {
}


# ---------------------------------------------------------------------------
# Driving the installation.

def collect(raw):
    headers = []
    others = []
    for dirpath, dirnames, filenames in os.walk(raw):
        dirnames.sort()
        for fn in sorted(filenames):
            full = os.path.join(dirpath, fn)
            rel = os.path.relpath(full, raw)
            if fn.endswith('.h'):
                with open(full, encoding='utf-8', errors='surrogateescape') \
                        as f:
                    headers.append(Header(raw, rel, f.read()))
            else:
                others.append(rel)
    if not headers:
        die('%s: no headers found' % raw)
    return headers, others


def build_rename(headers):
    defined = {}
    for h in headers:
        parse_directives(h)
        parse_code(h)
        for n in list(h.macros) + list(h.typedefs) + list(h.tags) + \
                list(h.enum_consts) + list(h.functions):
            defined.setdefault(n, h.rel)
    for n in LIBC_MEMBER_MACROS:
        defined.setdefault(n, '(libc member macro)')
    rename = {}
    for n in defined:
        if n in NEVER_PREFIX:
            continue
        p = prefix(n)
        if p != n:
            rename[n] = p
    # Two names must not become one.
    seen = {}
    for n, p in rename.items():
        if p in seen and seen[p] != n:
            die('prefixing maps both %s and %s to %s' % (seen[p], n, p))
        seen[p] = n
        if p in defined and p not in rename:
            die('prefixed %s collides with %s defined in %s' %
                (n, p, defined[p]))
    return defined, rename


def install(raw, out, headers, others, rename):
    dest = os.path.join(out, 'lkl')
    pastes = paste_params(headers)
    by_rel = {h.rel: h for h in headers}
    always = set(LIBC_MEMBER_MACROS)
    for h in headers:
        always |= h.obj_macros
    for h in headers:
        text = fixup(h.rel, rewrite(h, raw, rename, pastes, always))
        incs = missing_includes(h, by_rel)
        h.added = incs
        if incs:
            text = add_includes(text, incs)
        path = os.path.join(dest, h.rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8', errors='surrogateescape') as f:
            f.write(text)
    for rel in others:
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        shutil.copyfile(os.path.join(raw, rel), path)


# ---------------------------------------------------------------------------
# lkl/socket.h: the socket ABI that the kernel keeps out of its uapi
# headers (include/linux/socket.h and include/linux/net.h): address
# families, socket types, message flags, option levels, struct sockaddr
# and the message headers.  libc has its own copies of these; a program
# of LKL needs them prefixed.

# Flags the kernel uses internally only, never seen by a caller.
INTERNAL_MSG = {'MSG_SENDPAGE_NOPOLICY', 'MSG_NO_SHARED_FRAGS',
                'MSG_SENDPAGE_DECRYPTED', 'MSG_SPLICE_PAGES',
                'MSG_CMSG_COMPAT', 'MSG_INTERNAL_SENDMSG_FLAGS',
                'MSG_SOCK_DEVMEM'}

# The structures, with the layout of include/linux/socket.h (an ABI).
SOCKET_STRUCTS = """\
typedef __lkl__kernel_sa_family_t lkl_sa_family_t;

struct lkl_sockaddr {
	lkl_sa_family_t sa_family;	/* LKL_AF_xxx */
	char sa_data[14];		/* at least; the address itself */
};

#define lkl_sockaddr_storage __lkl__kernel_sockaddr_storage

struct lkl_linger {
	int l_onoff;
	int l_linger;
};

/* The struct msghdr of sendmsg() and recvmsg(). */
struct lkl_user_msghdr {
	void *msg_name;
	int msg_namelen;
	struct lkl_iovec *msg_iov;
	__lkl__kernel_size_t msg_iovlen;
	void *msg_control;
	__lkl__kernel_size_t msg_controllen;
	unsigned int msg_flags;
};

struct lkl_mmsghdr {
	struct lkl_user_msghdr msg_hdr;
	unsigned int msg_len;
};

struct lkl_cmsghdr {
	__lkl__kernel_size_t cmsg_len;	/* including this header */
	int cmsg_level;
	int cmsg_type;
};

#define LKL_CMSG_ALIGN(len) \\
	(((len) + sizeof(long) - 1) & ~(sizeof(long) - 1))
#define LKL_CMSG_SPACE(len) \\
	(sizeof(struct lkl_cmsghdr) + LKL_CMSG_ALIGN(len))
#define LKL_CMSG_LEN(len) (sizeof(struct lkl_cmsghdr) + (len))
#define LKL_CMSG_DATA(cmsg) \\
	((unsigned char *)((struct lkl_cmsghdr *)(cmsg) + 1))
#define LKL_CMSG_FIRSTHDR(msg) \\
	((msg)->msg_controllen >= sizeof(struct lkl_cmsghdr) ? \\
	 (struct lkl_cmsghdr *)(msg)->msg_control : \\
	 (struct lkl_cmsghdr *)0)

struct lkl_ucred {
	__lkl__u32 pid;
	__lkl__u32 uid;
	__lkl__u32 gid;
};
"""

# Tags of SOCKET_STRUCTS that system calls take pointers to.
SOCKET_TAGS = {'sockaddr': 'lkl_sockaddr', 'user_msghdr': 'lkl_user_msghdr',
               'mmsghdr': 'lkl_mmsghdr'}


def read_source(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as e:
        die('%s: %s' % (path, e))


def gen_socket(ksrc, out, rename):
    sock = read_source(os.path.join(ksrc, 'include/linux/socket.h'))
    net = read_source(os.path.join(ksrc, 'include/linux/net.h'))
    defs = {}
    for m in re.finditer(r'^#define[ \t]+((?:AF|PF|MSG|SOL|SCM)_\w+|SOMAXCONN)'
                         r'[ \t]+([^\n\\/]*?)[ \t]*(/\*.*)?$', sock, re.M):
        name, val = m.group(1), m.group(2).strip()
        if name in INTERNAL_MSG:
            continue
        if not val:
            die('include/linux/socket.h: %s has no value' % name)
        defs[name] = val
    for what in ('sock_type', 'sock_shutdown_cmd'):
        m = re.search(r'enum %s \{(.*?)\};' % what, net, re.S)
        if not m:
            die('include/linux/net.h: enum %s not found' % what)
        nxt = 0
        for item in m.group(1).split(','):
            item = re.sub(r'/\*.*?\*/', '', item, flags=re.S).strip()
            if not item:
                continue
            name, _, val = item.partition('=')
            name = name.strip()
            nxt = int(val.strip(), 0) if val.strip() else nxt
            defs[name] = str(nxt)
            nxt += 1
    for m in re.finditer(r'^#define[ \t]+(SOCK_(?:TYPE_MASK|CLOEXEC|NONBLOCK))'
                         r'[ \t]+(\w+)', net, re.M):
        defs[m.group(1)] = m.group(2)
    for need in ('AF_INET', 'AF_INET6', 'AF_UNIX', 'PF_INET', 'MSG_DONTWAIT',
                 'SOL_IP', 'SCM_RIGHTS', 'SOCK_STREAM', 'SOCK_DGRAM',
                 'SOCK_CLOEXEC', 'SOCK_NONBLOCK', 'SHUT_RDWR', 'SOMAXCONN'):
        if need not in defs:
            die('socket definitions: %s not found in the kernel tree' % need)

    def value(v):
        def name(m):
            w = m.group()
            if w in defs:
                return prefix(w)
            if w in rename:
                return rename[w]
            die('socket definitions: unknown name %s in %r' % (w, v))
        if re.match(r'^\(?\s*-?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$', v):
            return v
        return re.sub(r'\b[A-Za-z_]\w*\b', name, v)

    lines = ['/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */',
             '/*',
             ' * Generated by scripts/lkl-install-headers.py: do not edit.',
             ' *',
             ' * The socket ABI that the kernel keeps out of its uapi headers:',
             ' * from include/linux/socket.h and include/linux/net.h.',
             ' */',
             '#ifndef _LKL_SOCKET_H',
             '#define _LKL_SOCKET_H',
             '',
             '#include <lkl/linux/types.h>',
             '#include <lkl/linux/socket.h>',
             '#include <lkl/linux/uio.h>',
             '#include <lkl/linux/fcntl.h>',
             '#include <lkl/asm/socket.h>',
             '',
             SOCKET_STRUCTS]
    for name, val in defs.items():
        lines.append('#define %s\t%s' % (prefix(name), value(val)))
    lines += ['', '#endif /* _LKL_SOCKET_H */', '']
    with open(os.path.join(out, 'lkl', 'socket.h'), 'w') as f:
        f.write('\n'.join(lines))
    return len(defs)


# ---------------------------------------------------------------------------
# The system call table.

def run_cc(cc, args, what):
    cmd = cc.split() + args
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
    except OSError as e:
        die('%s: cannot run %s: %s' % (what, cmd[0], e))
    if p.returncode:
        die('%s failed: %s\n%s' % (what, ' '.join(cmd), p.stderr))
    return p.stdout


def syscall_table(raw, ksrc, cc):
    """[(number, sys_function)] of the generic table as the target
    compiler sees it, {__NR_name: number}, and the bits of a long."""
    generic = os.path.join(ksrc, 'include/uapi/asm-generic/unistd.h')
    if not os.path.isfile(generic):
        die('%s: not found (is %s a kernel tree?)' % (generic, ksrc))
    if not os.path.isfile(os.path.join(raw, 'asm/unistd.h')):
        die('%s/asm/unistd.h: not found' % raw)
    with tempfile.TemporaryDirectory() as tmp:
        # Our asm/unistd.h sets the __ARCH_WANT_* selection and includes
        # <asm-generic/unistd.h>: point that at the kernel tree's table.
        os.makedirs(os.path.join(tmp, 'asm-generic'))
        with open(os.path.join(tmp, 'asm-generic/unistd.h'), 'w') as f:
            f.write('#include "%s"\n' % os.path.abspath(generic))
        src = os.path.join(tmp, 'table.c')
        with open(src, 'w') as f:
            f.write('#include <asm/unistd.h>\n')
        inc = ['-I', tmp, '-I', raw]
        table = run_cc(cc, ['-E', '-P'] + inc +
                       ['-D__SYSCALL(nr,call)=@LKLSC@ nr call @LKLEND@', src],
                       'preprocessing the system call table')
        macros = run_cc(cc, ['-E', '-dM'] + inc + [src],
                        'listing the system call numbers')
    defs = {}
    for line in macros.splitlines():
        m = re.match(r'#define (\w+) (.*)$', line)
        if m:
            defs[m.group(1)] = m.group(2).strip()
    if defs.get('__SIZEOF_LONG__') not in ('4', '8'):
        die('%s: a long of %s bytes: only 32- and 64-bit hosts are known'
            % (cc, defs.get('__SIZEOF_LONG__')))
    bits = 8 * int(defs['__SIZEOF_LONG__'])

    def value(name, seen=()):
        v = defs[name]
        v = v.strip('()').strip()
        if re.match(r'^\d+$', v):
            return int(v)
        if v in defs and v not in seen:
            return value(v, seen + (name,))
        m = re.match(r'^(\w+)\s*\+\s*(\d+)$', v)
        if m and m.group(1) in defs:
            return value(m.group(1), seen + (name,)) + int(m.group(2))
        die('cannot evaluate %s = %s' % (name, defs[name]))

    nrs = {}
    for name in defs:
        if name.startswith('__NR_') and name != '__NR_syscalls':
            nrs[name] = value(name)
    entries = []
    for m in re.finditer(r'@LKLSC@\s*(\S+)\s+(\w+)\s*@LKLEND@', table):
        num = m.group(1).strip('()')
        if not num.isdigit():
            die('system call table: unexpected number %r' % m.group(1))
        entries.append((int(num), m.group(2)))
    if len(entries) < 200:
        die('system call table: only %d entries found' % len(entries))
    return entries, nrs, bits


# ---------------------------------------------------------------------------
# Prototypes of the sys_ functions.

def syscall_protos(ksrc, bits):
    """{sys_name: [param strings]} from include/linux/syscalls.h, reading
    only the branches of its conditionals that apply to LKL."""
    path = os.path.join(ksrc, 'include/linux/syscalls.h')
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        die('%s: %s' % (path, e))
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    text = text.replace('\\\n', ' ')
    # What LKL's configuration and asm/unistd.h make true; every other
    # CONFIG_ and __ARCH_WANT_ is false.
    true = {'__ARCH_WANT_RENAMEAT', '__ARCH_WANT_SET_GET_RLIMIT',
            '__ARCH_WANT_SYS_CLONE3', '__LITTLE_ENDIAN',
            'CONFIG_ADVISE_SYSCALLS',
            '__ARCH_WANT_NEW_STAT' if bits == 64 else '__ARCH_WANT_STAT64'}

    def cond(expr):
        expr = re.sub(r'defined\s*\(?\s*(\w+)\s*\)?',
                      lambda m: ' 1 ' if m.group(1) in true else ' 0 ', expr)
        expr = expr.replace('BITS_PER_LONG', str(bits))
        expr = expr.replace('||', ' or ').replace('&&', ' and ')
        expr = re.sub(r'!(?!=)', ' not ', expr)
        expr = re.sub(r'\b[A-Za-z_]\w*\b',
                      lambda m: m.group() if m.group() in ('or', 'and', 'not')
                      else '0', expr)
        try:
            return bool(eval(expr, {'__builtins__': {}}))
        except Exception:
            die('%s: cannot evaluate #if %s' % (path, expr))

    kept = []
    stack = []          # (active, taken) per open conditional
    active = True
    for line in text.split('\n'):
        m = re.match(r'\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)', line)
        if m:
            d, arg = m.group(1), m.group(2).strip()
            if d in ('ifdef', 'ifndef', 'if'):
                if d == 'ifdef':
                    c = arg in true
                elif d == 'ifndef':
                    # The include guard and the syscall-wrapper block.
                    c = arg not in true
                else:
                    c = cond(arg)
                stack.append((active, c))
                active = active and c
            elif d == 'elif':
                outer, taken = stack[-1]
                c = not taken and cond(arg)
                stack[-1] = (outer, taken or c)
                active = outer and c
            elif d == 'else':
                outer, taken = stack[-1]
                active = outer and not taken
                stack[-1] = (outer, True)
            else:
                active = stack.pop()[0]
            continue
        if active:
            kept.append(line)
    text = '\n'.join(kept)
    protos = {}
    for m in re.finditer(r'asmlinkage\s+long\s+(sys_\w+)\s*\(([^;]*?)\)\s*;',
                         text, re.S):
        params = [' '.join(p.split()) for p in m.group(2).split(',')]
        if params == ['void']:
            params = []
        protos[m.group(1)] = params
    if len(protos) < 200:
        die('%s: only %d prototypes found' % (path, len(protos)))
    return protos


# Prototypes of calls whose sys_ function is an architecture's own and not
# declared in linux/syscalls.h; LKL implements them generically.
ARCH_PROTOS = {
    'sys_mmap': ['unsigned long addr', 'unsigned long len',
                 'unsigned long prot', 'unsigned long flags',
                 'unsigned long fd', 'unsigned long off'],
    'sys_mmap2': ['unsigned long addr', 'unsigned long len',
                  'unsigned long prot', 'unsigned long flags',
                  'unsigned long fd', 'unsigned long pgoff'],
    'sys_rt_sigreturn': [],
}

# Names for the parameters that include/linux/syscalls.h leaves unnamed.
PARAM_NAMES = {
    'sys_io_submit': ['ctx_id', 'nr', 'iocbpp'],
    'sys_pselect6': ['n', 'inp', 'outp', 'exceptp', 'tsp', 'sig'],
    'sys_ppoll': ['ufds', 'nfds', 'tsp', 'sigmask', 'sigsetsize'],
    'sys_rt_sigaction': ['sig', 'act', 'oact', 'sigsetsize'],
    'sys_socket': ['family', 'type', 'protocol'],
    'sys_socketpair': ['family', 'type', 'protocol', 'usockvec'],
    'sys_bind': ['fd', 'addr', 'addrlen'],
    'sys_listen': ['fd', 'backlog'],
    'sys_accept': ['fd', 'addr', 'addrlen'],
    'sys_accept4': ['fd', 'addr', 'addrlen', 'flags'],
    'sys_connect': ['fd', 'addr', 'addrlen'],
    'sys_getsockname': ['fd', 'addr', 'addrlen'],
    'sys_getpeername': ['fd', 'addr', 'addrlen'],
    'sys_sendto': ['fd', 'buf', 'len', 'flags', 'addr', 'addrlen'],
    'sys_recvfrom': ['fd', 'buf', 'len', 'flags', 'addr', 'addrlen'],
    'sys_shutdown': ['fd', 'how'],
    'sys_clone': ['flags', 'newsp', 'parent_tidptr', 'child_tidptr', 'tls'],
}

# Pointer parameters the kernel only reads but declares without const:
# const lets callers pass string literals (and compile as C++).
CONST_PARAMS = {
    'sys_mount': {'dev_name', 'dir_name', 'type', 'data'},
    'sys_umount': {'name'},
    'sys_sethostname': {'name'},
    'sys_setdomainname': {'name'},
}

# Kernel-internal type names and their uapi spellings (before prefixing).
KERNEL_TYPES = {
    'size_t': '__kernel_size_t',
    'ssize_t': '__kernel_ssize_t',
    'loff_t': '__kernel_loff_t',
    'off_t': '__kernel_off_t',
    'pid_t': '__kernel_pid_t',
    'uid_t': '__kernel_uid32_t',
    'gid_t': '__kernel_gid32_t',
    'old_uid_t': '__kernel_old_uid_t',
    'old_gid_t': '__kernel_old_gid_t',
    'qid_t': '__kernel_uid32_t',
    'umode_t': 'unsigned short',
    'mode_t': '__kernel_mode_t',
    'u8': '__u8', 'u16': '__u16', 'u32': '__u32', 'u64': '__u64',
    'uint8_t': '__u8', 'uint16_t': '__u16', 'uint32_t': '__u32',
    'uint64_t': '__u64', 'int32_t': '__s32', 'int64_t': '__s64',
    's8': '__s8', 's16': '__s16', 's32': '__s32', 's64': '__s64',
    'key_serial_t': '__s32',
    'rwf_t': 'int',
    'timer_t': '__kernel_timer_t',
    'clockid_t': '__kernel_clockid_t',
    'mqd_t': '__kernel_mqd_t',
    'key_t': '__kernel_key_t',
    'time_t': '__kernel_time_t',
    'fd_set': '__kernel_fd_set',
    'old_sigset_t': 'unsigned long',
    '__sighandler_t': '__sighandler_t',
}

C_TYPE_WORDS = {'const', 'volatile', 'unsigned', 'signed', 'int', 'long',
                'short', 'char', 'void', 'struct', 'union', '*'}


class ProtoMapper:
    """Turns kernel parameter declarations into prefixed uapi ones."""

    def __init__(self, headers, defined, rename):
        self.rename = rename
        self.defined = defined
        self.tags = set()
        self.typedef_home = {}
        self.tag_home = {}
        for h in headers:
            self.tags |= h.tags
            for t in h.tags:
                self.tag_home.setdefault(t, []).append(h.rel)
            for t in h.typedefs:
                self.typedef_home.setdefault(t, []).append(h.rel)
        self.by_rel = {h.rel: h for h in headers}
        # What <lkl/linux/types.h> brings anyway.
        self.base = closure(self.by_rel, 'linux/types.h')
        self.fwd_structs = set()
        self.includes = set()
        self.names_taken = set(rename.values())

    def param(self, decl, idx, sysname):
        toks = re.findall(r'[A-Za-z_]\w*|\*|\S', decl)
        toks = [t for t in toks if t not in ('__user', '__force')]
        # Split off the parameter name: the last identifier, unless the
        # declaration is only a type ("unsigned long", "int __user *").
        name = None
        if toks and IDENT_RE.match(toks[-1]) and \
           toks[-1] not in C_TYPE_WORDS and \
           not (len(toks) == 1) and \
           not (toks[-2] in ('struct', 'union', 'enum')) and \
           toks[-1] not in KERNEL_TYPES and \
           not (toks[-1] in self.typedef_home and
                all(t in C_TYPE_WORDS for t in toks[:-1])) and \
           not (toks[-1] in ('int', 'long', 'short', 'char')):
            name = toks.pop()
        out = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t in ('struct', 'union'):
                tag = toks[i + 1]
                i += 2
                # By pointer only: the type may be the kernel's own.
                if '*' not in toks[i:]:
                    die('%s: %s %s passed by value' % (sysname, t, tag))
                if tag in SOCKET_TAGS:
                    ptag = SOCKET_TAGS[tag]
                    self.fwd_structs.add('%s %s' % (t, ptag))
                    out.append('%s %s' % (t, ptag))
                elif tag in self.tags:
                    ptag = self.rename.get(tag, tag)
                    self.fwd_structs.add('%s %s' % (t, ptag))
                    out.append('%s %s' % (t, ptag))
                else:
                    out.append('void')
                continue
            if t == 'enum':
                # By value: needs the definition, an enum cannot be
                # declared ahead in C.
                tag = toks[i + 1]
                i += 2
                if tag not in self.tags:
                    die('%s: enum %s is not a uapi type' % (sysname, tag))
                self.need(self.tag_home[tag], tag)
                out.append('enum %s' % self.rename.get(tag, tag))
                continue
            if t in C_TYPE_WORDS:
                out.append(t)
            elif t in KERNEL_TYPES:
                for w in KERNEL_TYPES[t].split():
                    out.append(self.type_name(w, sysname))
            elif IDENT_RE.match(t):
                out.append(self.type_name(t, sysname))
            else:
                die('%s: cannot map parameter %r' % (sysname, decl))
            i += 1
        ctype = ' '.join(out).replace('* ', '*').replace(' *', ' *')
        if name is None:
            names = PARAM_NAMES.get(sysname, [])
            name = names[idx] if idx < len(names) else 'a%d' % (idx + 1)
        if not self.name_ok(name):
            name += '_'
        return ctype, name

    def need(self, homes, what):
        """Include a header that defines what (homes: all that do)."""
        if any(h in self.base for h in homes):
            return
        home = homes[0]
        # asm-generic/X is meant to be reached through asm/X.
        if home.startswith('asm-generic/'):
            asm = 'asm/' + home[len('asm-generic/'):]
            if home in closure(self.by_rel, asm):
                home = asm
        self.includes.add(home)

    def type_name(self, word, sysname):
        if word in C_TYPE_WORDS:
            return word
        if word in self.typedef_home:
            self.need(self.typedef_home[word], word)
            return self.rename.get(word, word)
        die('%s: unknown type %s' % (sysname, word))

    def name_ok(self, name):
        # A parameter must not be something a header or libc makes a
        # macro of, nor a C++ keyword (lkl.h is usable from C++).
        return (name not in C_KEYWORDS and name not in self.names_taken and
                name not in LIBC_MEMBER_MACROS and
                name not in ('errno', 'stdin', 'stdout', 'stderr', 'unix',
                             'linux', 'i386', 'params', 'major', 'minor'))


# Calls older programs expect that the generic table lacks, done with the
# *at calls.  (name, return, params, body)
CONVENIENCE = [
    ('open', 'const char *path, int flags, unsigned short mode',
     'return lkl_sys_openat(LKL_AT_FDCWD, path, flags, mode);'),
    ('creat', 'const char *path, unsigned short mode',
     'return lkl_sys_openat(LKL_AT_FDCWD, path,\n'
     '\t\t\t      LKL_O_CREAT | LKL_O_WRONLY | LKL_O_TRUNC, mode);'),
    ('mkdir', 'const char *path, unsigned short mode',
     'return lkl_sys_mkdirat(LKL_AT_FDCWD, path, mode);'),
    ('mknod', 'const char *path, unsigned short mode, unsigned int dev',
     'return lkl_sys_mknodat(LKL_AT_FDCWD, path, mode, dev);'),
    ('unlink', 'const char *path',
     'return lkl_sys_unlinkat(LKL_AT_FDCWD, path, 0);'),
    ('rmdir', 'const char *path',
     'return lkl_sys_unlinkat(LKL_AT_FDCWD, path, LKL_AT_REMOVEDIR);'),
    ('rename', 'const char *oldpath, const char *newpath',
     'return lkl_sys_renameat2(LKL_AT_FDCWD, oldpath, LKL_AT_FDCWD, '
     'newpath, 0);'),
    ('link', 'const char *oldpath, const char *newpath',
     'return lkl_sys_linkat(LKL_AT_FDCWD, oldpath, LKL_AT_FDCWD, '
     'newpath, 0);'),
    ('symlink', 'const char *target, const char *linkpath',
     'return lkl_sys_symlinkat(target, LKL_AT_FDCWD, linkpath);'),
    ('readlink', 'const char *path, char *buf, int bufsiz',
     'return lkl_sys_readlinkat(LKL_AT_FDCWD, path, buf, bufsiz);'),
    ('stat', 'const char *path, struct lkl_stat *buf',
     'return lkl_sys_newfstatat(LKL_AT_FDCWD, path, buf, 0);'),
    ('lstat', 'const char *path, struct lkl_stat *buf',
     'return lkl_sys_newfstatat(LKL_AT_FDCWD, path, buf,\n'
     '\t\t\t\t LKL_AT_SYMLINK_NOFOLLOW);'),
    ('access', 'const char *path, int mode',
     'return lkl_sys_faccessat(LKL_AT_FDCWD, path, mode);'),
    ('chmod', 'const char *path, unsigned short mode',
     'return lkl_sys_fchmodat(LKL_AT_FDCWD, path, mode);'),
    ('chown', 'const char *path, __lkl__kernel_uid32_t owner, '
     '__lkl__kernel_gid32_t group',
     'return lkl_sys_fchownat(LKL_AT_FDCWD, path, owner, group, 0);'),
    ('lchown', 'const char *path, __lkl__kernel_uid32_t owner, '
     '__lkl__kernel_gid32_t group',
     'return lkl_sys_fchownat(LKL_AT_FDCWD, path, owner, group,\n'
     '\t\t\t\tLKL_AT_SYMLINK_NOFOLLOW);'),
    ('pipe', 'int fds[2]',
     'return lkl_sys_pipe2(fds, 0);'),
    ('dup2', 'unsigned int oldfd, unsigned int newfd',
     '/* dup3() refuses equal descriptors; dup2() checks oldfd. */\n'
     '\tif (oldfd == newfd) {\n'
     '\t\tlong ret = lkl_sys_fcntl(oldfd, LKL_F_GETFD, 0);\n\n'
     '\t\treturn ret < 0 ? ret : (long)newfd;\n'
     '\t}\n'
     '\treturn lkl_sys_dup3(oldfd, newfd, 0);'),
    ('poll', 'struct lkl_pollfd *fds, unsigned int nfds, int timeout_ms',
     'struct __lkl__kernel_timespec ts;\n\n'
     '\tif (timeout_ms < 0)\n'
     '\t\treturn lkl_sys_ppoll(fds, nfds, 0, 0, 0);\n'
     '\tts.tv_sec = timeout_ms / 1000;\n'
     '\tts.tv_nsec = (timeout_ms % 1000) * 1000000L;\n'
     '\treturn lkl_sys_ppoll(fds, nfds, &ts, 0, 0);'),
    ('epoll_create', 'int size',
     '/* The size is only checked, as by the kernel\'s epoll_create. */\n'
     '\tif (size <= 0)\n'
     '\t\treturn -LKL_EINVAL;\n'
     '\treturn lkl_sys_epoll_create1(0);'),
    ('epoll_wait', 'int epfd, struct lkl_epoll_event *events, '
     'int maxevents, int timeout',
     'return lkl_sys_epoll_pwait(epfd, events, maxevents, timeout,\n'
     '\t\t\t\t  0, 0);'),
]

# On a 32-bit host the generic table has the calls of 32-bit ABIs
# (fstatat64, llseek, fcntl64, ftruncate64, mmap2) and no time32 calls:
# the 64-bit host's names are made of them, so a program builds on
# every host.  Values that do not fit the narrower types give
# -EOVERFLOW, as the kernel's own calls do on 32-bit hosts; programs that
# need large files use lkl_sys_fstatat64, lkl_sys_llseek...
CONVENIENCE_32 = [
    ('fcntl', 'unsigned int fd, unsigned int cmd, unsigned long arg',
     'return lkl_sys_fcntl64(fd, cmd, arg);'),
    ('lseek', 'unsigned int fd, __lkl__kernel_off_t offset, '
     'unsigned int whence',
     '__lkl__kernel_loff_t res;\n'
     '\tlong ret = lkl_sys_llseek(fd, (unsigned long)((long long)offset '
     '>> 32),\n'
     '\t\t\t\t (unsigned long)offset, &res, whence);\n\n'
     '\tif (ret < 0)\n'
     '\t\treturn ret;\n'
     '\treturn res == (long)res ? (long)res : -LKL_EOVERFLOW;'),
    ('truncate', 'const char *path, __lkl__kernel_loff_t length',
     'return lkl_sys_truncate64(path, length);'),
    ('ftruncate', 'unsigned int fd, __lkl__kernel_loff_t length',
     'return lkl_sys_ftruncate64(fd, length);'),
    ('newfstatat', 'int dfd, const char *path, struct lkl_stat *st, '
     'int flag',
     'struct lkl_stat64 st64;\n'
     '\tlong ret = lkl_sys_fstatat64(dfd, path, &st64, flag);\n\n'
     '\treturn ret < 0 ? ret : lkl_stat_from_stat64(st, &st64);'),
    ('fstat', 'unsigned int fd, struct lkl_stat *st',
     'struct lkl_stat64 st64;\n'
     '\tlong ret = lkl_sys_fstat64(fd, &st64);\n\n'
     '\treturn ret < 0 ? ret : lkl_stat_from_stat64(st, &st64);'),
    ('nanosleep', 'struct __lkl__kernel_timespec *rqtp, '
     'struct __lkl__kernel_timespec *rmtp',
     'return lkl_sys_clock_nanosleep(LKL_CLOCK_MONOTONIC, 0, rqtp, rmtp);'),
    ('mmap', 'unsigned long addr, unsigned long len, unsigned long prot, '
     'unsigned long flags, unsigned long fd, unsigned long off',
     '/* LKL\'s pages are 4 KiB on every host. */\n'
     '\tif (off & 4095)\n'
     '\t\treturn -LKL_EINVAL;\n'
     '\treturn lkl_sys_mmap2(addr, len, prot, flags, fd, off >> 12);'),
]

# struct lkl_stat from struct lkl_stat64 (32-bit hosts only).
STAT_FROM_STAT64 = '''/*
 * struct lkl_stat of a 32-bit host from struct lkl_stat64; -EOVERFLOW
 * when a value does not fit, as the kernel's newfstatat would.
 */
static inline long lkl_stat_from_stat64(struct lkl_stat *d,
					const struct lkl_stat64 *s)
{
	struct lkl_stat z = { 0 };

	*d = z;
	d->st_dev = (unsigned long)s->st_dev;
	d->st_ino = (unsigned long)s->st_ino;
	d->st_mode = s->st_mode;
	d->st_nlink = s->st_nlink;
	d->st_uid = s->st_uid;
	d->st_gid = s->st_gid;
	d->st_rdev = (unsigned long)s->st_rdev;
	d->st_size = (long)s->st_size;
	d->st_blksize = s->st_blksize;
	d->st_blocks = (long)s->st_blocks;
	d->lkl_st_atime = s->lkl_st_atime;
	d->st_atime_nsec = s->st_atime_nsec;
	d->lkl_st_mtime = s->lkl_st_mtime;
	d->st_mtime_nsec = s->st_mtime_nsec;
	d->lkl_st_ctime = s->lkl_st_ctime;
	d->st_ctime_nsec = s->st_ctime_nsec;
	if (d->st_ino != s->st_ino || d->st_size != s->st_size ||
	    d->st_blocks != s->st_blocks)
		return -LKL_EOVERFLOW;
	return 0;
}
'''

# Headers the convenience wrappers need for their constants and types.
CONVENIENCE_INCLUDES = ['linux/fcntl.h', 'asm/errno.h', 'asm/poll.h',
                        'linux/eventpoll.h', 'linux/time_types.h',
                        'linux/time.h', 'asm/stat.h']


def wide_types(cc, out, incs, ctypes):
    """The parameter types wider than a long, as the target compiler
    sees them in the installed headers."""
    cands = sorted({t for t in ctypes if not t.endswith('*')})
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'wide.c')
        with open(src, 'w') as f:
            for inc in sorted(incs):
                f.write('#include <lkl/%s>\n' % inc)
            for i, t in enumerate(cands):
                f.write('_Static_assert(sizeof(%s) <= sizeof(long), '
                        '"LKLWIDE %d");\n' % (t, i))
        p = subprocess.run(cc.split() + ['-fsyntax-only', '-I', out, src],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
    found = {int(n) for n in re.findall(r'LKLWIDE (\d+)', p.stderr)}
    if p.returncode and not found:
        die('probing argument sizes failed: %s' % p.stderr[:2000])
    wide = {cands[i] for i in found}
    for t in wide:
        if not any(w in t for w in ('64', 'long long', 'loff_t')):
            die('%s is wider than a long but not a 64-bit type' % t)
    return wide


def gen_syscalls(raw, ksrc, cc, headers, defined, rename, out):
    entries, nrs, bits = syscall_table(raw, ksrc, cc)
    protos = syscall_protos(ksrc, bits)
    protos.update({k: v for k, v in ARCH_PROTOS.items() if k not in protos})
    mapper = ProtoMapper(headers, defined, rename)
    by_num = {}
    for name, num in nrs.items():
        by_num.setdefault(num, []).append(name)

    wrappers = []
    aliases = []
    have = set()
    missing = []
    for num, fn in entries:
        if fn == 'sys_ni_syscall':
            continue
        call = fn[len('sys_'):]
        names = sorted(by_num.get(num, []))
        if not names:
            die('no __NR_ name for system call %d (%s)' % (num, fn))
        nr = '__NR_' + call if '__NR_' + call in names else names[0]
        if fn not in protos:
            missing.append(fn)
            continue
        params = []
        for i, p in enumerate(protos[fn]):
            ctype, pname = mapper.param(p, i, fn)
            if pname in CONST_PARAMS.get(fn, ()):
                if not ctype.endswith('*') or ctype.startswith('const '):
                    die('%s: %s is not a pointer to constify' % (fn, pname))
                ctype = 'const ' + ctype
            params.append((ctype, pname))
        if len(params) > 6:
            die('%s: more than six parameters' % fn)
        seen = set()
        for ctype, pname in params:
            if pname in seen:
                die('%s: parameter %s twice' % (fn, pname))
            seen.add(pname)
        wrappers.append((call, rename.get(nr, nr), params))
        have.add(call)
        for n in names:
            alias = n[len('__NR_'):]
            if alias != call:
                aliases.append((alias, call))
    if missing:
        die('no prototype in include/linux/syscalls.h for: %s'
            % ' '.join(missing))
    alias_names = set()
    for alias, call in aliases:
        if alias in have:
            die('alias lkl_sys_%s would hide a system call' % alias)
        alias_names.add(alias)

    lines = []
    w = lines.append
    w('/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */')
    w('/*')
    w(' * Generated by scripts/lkl-install-headers.py: do not edit.')
    w(' *')
    w(' * lkl_sys_<name>() makes system call <name> of the generic table in')
    w(' * the LKL kernel through lkl_syscall().  Wrappers are named after the')
    w(' * kernel\'s sys_<name>() function (lkl_sys_newfstatat); where the')
    w(' * __NR_ name differs, a macro of that name is an alias (lkl_sys_fstat).')
    w(' * Calls the table lacks but older programs use (lkl_sys_open, ...)')
    w(' * are made of the *at calls at the end.  All return the result of')
    w(' * the call, a negative LKL errno on failure.')
    w(' *')
    w(' * lkl_syscall() takes six argument words.  An argument takes one, but')
    w(' * a 64-bit one (loff_t, u64) on a 32-bit host takes two consecutive')
    w(' * words, the low half first, with no padding (the kernel\'s side:')
    w(' * arch/lkl/include/asm/syscall_wrapper.h).')
    w(' */')
    w('#ifndef _LKL_SYSCALLS_H')
    w('#define _LKL_SYSCALLS_H')
    w('')
    incs = {'asm/unistd.h', 'linux/types.h'} | mapper.includes | \
        set(CONVENIENCE_INCLUDES)
    for inc in sorted(incs):
        if not os.path.isfile(os.path.join(raw, inc)):
            die('syscalls.h would include missing %s' % inc)
        w('#include <lkl/%s>' % inc)
    w('#include <lkl/socket.h>\t/* generated beside this file */')
    w('')
    w('#ifdef __cplusplus')
    w('extern "C" {')
    w('#endif')
    w('')
    w('/* Structures that system calls take pointers to. */')
    for s in sorted(mapper.fwd_structs | {'struct lkl_stat',
                                          'struct lkl_pollfd',
                                          'struct lkl_epoll_event'}):
        w('%s;' % s)
    w('')
    w('/* Make system call no with the up to six arguments of params. */')
    w('long lkl_syscall(long no, long *params);')
    w('')
    wide = wide_types(cc, out, incs, [t for _, _, params in wrappers
                                      for t, _ in params]) \
        if bits == 32 else set()
    for call, nr, params in wrappers:
        args = ', '.join('%s%s%s' % (t, '' if t.endswith('*') else ' ', n)
                         for t, n in params) or 'void'
        head = 'static inline long lkl_sys_%s(%s)' % (call, args)
        w(wrap_head(head))
        w('{')
        vals = []
        for t, n in params:
            if t in wide:
                vals += ['(long)%s' % n,
                         '(long)((unsigned long long)%s >> 32)' % n]
            else:
                vals.append('(long)%s' % n)
        if len(vals) > 6:
            die('sys_%s: %d argument words, lkl_syscall() takes six'
                % (call, len(vals)))
        vals += ['0'] * (6 - len(vals))
        w(wrap_init(vals))
        w('')
        w('\treturn lkl_syscall(%s, lkl_params);' % nr)
        w('}')
        w('')
    w('/* __NR_ names that differ from the kernel function\'s. */')
    for alias, call in sorted(set(aliases)):
        w('#define lkl_sys_%s lkl_sys_%s' % (alias, call))
    w('')
    w('/* Calls of older programs, made of the calls above. */')
    nconv = 0
    if bits == 32:
        w(STAT_FROM_STAT64)
    for name, params, body in (CONVENIENCE_32 if bits == 32 else []) + \
            CONVENIENCE:
        if name in have or name in alias_names:
            continue
        w(wrap_head('static inline long lkl_sys_%s(%s)' % (name, params)))
        w('{')
        w('\t' + body)
        w('}')
        w('')
        nconv += 1
    w('#ifdef __cplusplus')
    w('}')
    w('#endif')
    w('')
    w('#endif /* _LKL_SYSCALLS_H */')
    path = os.path.join(out, 'lkl', 'syscalls.h')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return len(wrappers), len(set(aliases)), nconv


def wrap_head(head, width=80):
    if len(head) <= width:
        return head
    lp = head.index('(') + 1
    parts = head[lp:-1].split(', ')
    out = head[:lp]
    line = out
    res = []
    for i, p in enumerate(parts):
        piece = p + (', ' if i < len(parts) - 1 else ')')
        if len(line.expandtabs()) + len(piece.rstrip()) > width and \
           line.strip() and \
           line != head[:lp]:
            res.append(line.rstrip())
            # Align under the '(' with tabs, then spaces.
            line = '\t' * (lp // 8) + ' ' * (lp % 8) + piece
        else:
            line += piece
    res.append(line.rstrip())
    return '\n'.join(res)


def wrap_init(vals):
    text = '\tlong lkl_params[6] = { %s };' % ', '.join(vals)
    if len(text.expandtabs()) <= 80:
        return text
    first = '\tlong lkl_params[6] = {'
    res = [first]
    line = '\t\t'
    for i, v in enumerate(vals):
        piece = v + (', ' if i < len(vals) - 1 else '')
        if len((line + piece).rstrip().expandtabs()) > 80:
            res.append(line.rstrip())
            line = '\t\t'
        line += piece
    res.append(line.rstrip())
    res.append('\t};')
    return '\n'.join(res)


# ---------------------------------------------------------------------------
# Verification: object-like macros expand alike before and after.

def verify(raw, out, headers, rename, cc):
    back = {v: k for k, v in rename.items()}
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for h in headers:
            objs = sorted(m for m, p in h.macros.items() if p is None)
            if not objs:
                continue
            res = []
            for side, inc in (('raw', raw), ('lkl', out)):
                src = os.path.join(tmp, 'v.c')
                with open(src, 'w') as f:
                    # The raw header gets what install() added too.
                    for i in h.added if side == 'raw' else ():
                        f.write('#include <%s>\n' % i)
                    f.write('#include <%s%s>\n' %
                            ('' if side == 'raw' else 'lkl/', h.rel))
                    for n, m in enumerate(objs):
                        if side == 'lkl':
                            m = rename.get(m, m)
                        f.write('\n@@@%d@@@ %s\n' % (n, m))
                p = subprocess.run(cc.split() + ['-E', '-P', '-w', '-I', inc,
                                                 src],
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE,
                                   universal_newlines=True)
                if p.returncode:
                    res = None
                    break
                exp = {}
                for m in re.finditer(r'^@@@(\d+)@@@(.*)$', p.stdout, re.M):
                    toks = re.findall(r'[A-Za-z_]\w*|\S', m.group(2))
                    exp[int(m.group(1))] = [back.get(t, t) for t in toks]
                res.append(exp)
            if res is None:
                continue
            diff = [n for n in range(len(objs))
                    if res[0].get(n) != res[1].get(n)]
            if diff:
                bad += 1
            for n in diff:
                print('verify: %s: %s\n    raw: %s\n    lkl: %s' %
                      (h.rel, objs[n], ' '.join(res[0].get(n, '?'))[:200],
                       ' '.join(res[1].get(n, '?'))[:200]))
    if bad:
        die('verify: %d headers expand differently after prefixing' % bad)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('raw', metavar='RAW_UAPI_INCLUDE_DIR')
    ap.add_argument('ksrc', metavar='KERNEL_SRC_DIR')
    ap.add_argument('out', metavar='OUT_INCLUDE_DIR')
    ap.add_argument('--cc', default='cc', help='target C compiler')
    ap.add_argument('--verify', action='store_true',
                    help='check macro expansions against the raw headers')
    a = ap.parse_args()
    try:
        if not os.path.isdir(a.raw):
            die('%s: not a directory' % a.raw)
        for f in ('include/uapi/asm-generic/unistd.h',
                  'include/linux/syscalls.h', 'include/linux/socket.h',
                  'include/linux/net.h'):
            if not os.path.isfile(os.path.join(a.ksrc, f)):
                die('%s: no %s: not a kernel tree' % (a.ksrc, f))
        headers, others = collect(a.raw)
        defined, rename = build_rename(headers)
        dest = os.path.join(a.out, 'lkl')
        # Build in a fresh directory beside OUT/lkl and swap it in at the
        # end: no stale header of an older kernel survives, and programs
        # compiling against OUT meanwhile never see half a set.
        os.makedirs(a.out, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix='.lkl-headers-', dir=a.out)
        try:
            os.makedirs(os.path.join(tmp, 'lkl'))
            install(a.raw, tmp, headers, others, rename)
            gen_socket(a.ksrc, tmp, rename)
            nw, na, nc = gen_syscalls(a.raw, a.ksrc, a.cc, headers,
                                      defined, rename, tmp)
            if a.verify:
                verify(a.raw, tmp, headers, rename, a.cc)
            old = None
            if os.path.isdir(dest):
                old = os.path.join(tmp, 'old')
                os.rename(dest, old)
            os.rename(os.path.join(tmp, 'lkl'), dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print('lkl-install-headers: %d headers, %d names prefixed, '
              '%d syscall wrappers (+%d aliases, %d compat) in %s' %
              (len(headers), len(rename), nw, na, nc, dest))
    except InstallError as e:
        print('lkl-install-headers: error: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
