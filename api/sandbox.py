"""Limits a query worker process puts on itself before it runs any query.

- :func:`forbid_network`: a seccomp filter (Linux, x86-64 and AArch64; no root needed once
  ``no_new_privs`` is set) under which ``socket()`` fails with EACCES for every family but
  ``AF_UNIX`` and io_uring cannot be set up, in every thread of the process and in whatever
  it starts. pyoxigraph executes ``SERVICE`` by fetching the URL from Rust code, out of reach
  of any Python-level guard; with the filter it cannot open the connection at all. The
  worker's pipe to the service is an ``AF_UNIX`` socket made before the filter.
- :func:`limit_memory`: ``RLIMIT_AS``, so that a query that wants too much memory fails
  its allocation instead of growing until the machine swaps or the OOM killer chooses. The
  cap counts address space, not memory in use, so glibc is first told to keep two malloc
  arenas instead of eight per core: each reserves 64 MiB, and a worker's RocksDB threads
  made it hold ≈ 260 MB more address space (measured: 666 → 404 MB after the same queries).
"""

from __future__ import annotations

import ctypes
import errno
import platform
import resource
import socket
import struct

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
# machine -> (audit arch, seccomp syscall, socket, io_uring_setup/enter/register)
_ARCHES = {
    "x86_64": (0xC000003E, 317, 41, (425, 426, 427)),
    "aarch64": (0xC00000B7, 277, 198, (425, 426, 427)),
}
# classic BPF opcodes
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _program(arch: int, socket_nr: int, uring: tuple[int, ...]) -> bytes:
    """allow everything except: another ABI, socket() of a family other than AF_UNIX,
    io_uring (it could open sockets without the socket() call)."""
    deny = _RET_ERRNO | errno.EACCES
    code = [
        _insn(_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        _insn(_JEQ_K, 1, 0, arch),
        _insn(_RET_K, 0, 0, _RET_ERRNO | errno.EPERM),
        _insn(_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        _insn(_JGE_K, 0, 1, 0x40000000),  # x32 system calls on x86-64
        _insn(_RET_K, 0, 0, deny),
    ]
    for nr in uring:
        code += [_insn(_JEQ_K, 0, 1, nr), _insn(_RET_K, 0, 0, deny)]
    code += [
        _insn(_JEQ_K, 1, 0, socket_nr),
        _insn(_RET_K, 0, 0, _RET_ALLOW),
        _insn(_LD_W_ABS, 0, 0, 16),  # args[0], low half: the address family
        _insn(_JEQ_K, 0, 1, socket.AF_UNIX),
        _insn(_RET_K, 0, 0, _RET_ALLOW),
        _insn(_RET_K, 0, 0, deny),
    ]
    return b"".join(code)


def forbid_network() -> str | None:
    """Install the filter in this process; ``None`` on success, else why it could not be."""
    machine = platform.machine()
    if platform.system() != "Linux" or machine not in _ARCHES:
        return f"no seccomp filter for {platform.system()} {machine}"
    arch, seccomp_nr, socket_nr, uring = _ARCHES[machine]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(NO_NEW_PRIVS) failed: errno {ctypes.get_errno()}"
    program = _program(arch, socket_nr, uring)
    buffer = ctypes.create_string_buffer(program)
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc.syscall.restype = ctypes.c_long
    done = libc.syscall(
        ctypes.c_long(seccomp_nr),
        ctypes.c_long(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_long(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(fprog),
    )
    if done != 0:
        return f"seccomp() failed: errno {ctypes.get_errno()}"
    return None


_M_ARENA_MAX = -8


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at ``megabytes`` (0: no cap). Call it before the
    process starts threads (glibc's arena limit applies to arenas made afterwards)."""
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 2)
    if megabytes > 0:
        cap = megabytes * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
