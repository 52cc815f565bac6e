#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
A scripted iSCSI target that misbehaves on purpose, for the sanguard
selftests (iscsi_badpeer.sh, iscsi_reflect.sh). Python 3, standard library
only. It speaks just enough of RFC 7143 for open-iscsi to log in: Login
Request/Response with security (None or CHAP, one-way or mutual) and
operational negotiation, then Full Feature Phase answering NOP-Out,
INQUIRY (no logical unit), REPORT LUNS (empty), TEST UNIT READY, Task
Management, Text and Logout; any other SCSI command gets CHECK CONDITION.

  fake_target.py --addr 10.77.1.2 --port 3260 [--port 3261] \
      --scenario S [--variant V] --log FILE [--chap USER:SECRET] \
      [--mutual USER:SECRET] [--peer-name USER] [--hold SECONDS]
  fake_target.py --addr A --port P [--hold S] --control FIFO --log FILE
  fake_target.py --selftest

With --control, one process serves one scenario after another, which
spares a test the start of a new Python process per scenario (seconds on
a debug kernel under TCG). It reads lines from FIFO:
  start --scenario S [--variant V] --log FILE [other options]
                  stop the scenario being served, if any, then serve this
                  one, with the options given at start-up as defaults
  stop            close the listening socket and every connection of the
                  scenario being served, as if its process had been
                  killed, then log "event stopped" to its log
Mistakes in a line are logged to the --log given at start-up as
"event control-error", and the process goes on.

Scenarios (variant in brackets, the first is the default):
  normal          clean login; CHAP checked when --chap/--mutual are given
  reflect         [plain|trailing] RFC 3723 2.4.1 reflection: the
                  challenge the initiator sends on connection 1 becomes our
                  CHAP_C on connection 2; the response it gets there is
                  replayed on connection 1. [trailing] puts an Async
                  Message with the event data "trailing-after-reflection"
                  in the same write as the reflected challenge
  bad-length      [login] DataSegmentLength 0xffffff in a login response
                  [short] DataSegmentLength 1000, 100 bytes follow, close
                  [ffp]   NOP-In with DataSegmentLength 0xffffff
  bad-hdr-digest  after CRC32C is negotiated, a reply with a wrong
                  header digest
  bad-data-digest after CRC32C is negotiated, the Data-In answering the
                  first SCSI command that reads data (the initiator's
                  scan sends INQUIRY) with a wrong data digest
  truncated       [login|ffp] 20 bytes of a header, then close
  garbage-keys    [no-nul]   login response text without any NUL
                  [long-key] a 300-byte key name
                  [chap-c]   CHAP_C that is not hex (needs CHAP)
  bad-opcode      [login|ffp] a PDU with the unassigned opcode 0x3c

Every connection gets the scenario. What happens goes to --log, one
"event NAME conn=N ..." line per fact, for the test to grep:
  listening, accept, closed      sockets
  login, keys                    the first and later Login PDUs, key names
  digests, login-complete        negotiated digests, Full Feature Phase
  login-refused                  a Login Response with an error status
  ffp-pdu, logout                initiator PDUs in Full Feature Phase
  hdr-digest-ok/-bad, data-digest-bad   the initiator's digests checked
  chap-ok, chap-fail, chap-mutual-answered
  bad-sent what=...              the malformed bytes are out
  we-closed                      ...followed by our FIN
  peer-continued opcode=...      the initiator sent more after them
  peer-closed after=SECONDS      the initiator dropped the connection
  peer-still-open                it had not after --hold seconds
  scenario-impossible            e.g. digests were not negotiated
  reflect-conn1-challenge, reflect-sent, reflect-answered,
  reflect-replayed, reflect-refused, reflect-no-response
  internal-error                 a bug here (traceback in the log); the
                                 tests fail on it
"""

import argparse
import base64
import shlex
import hashlib
import os
import secrets
import select
import socket
import struct
import sys
import threading
import time
import traceback

# Opcodes (RFC 7143 11.1.1).
OP_NOOP_OUT = 0x00
OP_SCSI_CMD = 0x01
OP_TMF_REQ = 0x02
OP_LOGIN_REQ = 0x03
OP_TEXT_REQ = 0x04
OP_DATA_OUT = 0x05
OP_LOGOUT_REQ = 0x06
OP_SNACK = 0x10
OP_NOOP_IN = 0x20
OP_SCSI_RSP = 0x21
OP_TMF_RSP = 0x22
OP_LOGIN_RSP = 0x23
OP_TEXT_RSP = 0x24
OP_DATA_IN = 0x25
OP_LOGOUT_RSP = 0x26
OP_ASYNC_MSG = 0x32
OP_REJECT = 0x3F
OP_UNASSIGNED = 0x3C

STAGE_SECURITY = 0
STAGE_OPERATIONAL = 1
STAGE_FFP = 3

RSV = 0xFFFFFFFF
BHS_LEN = 48
# The most data we accept in one PDU; iscsid offers 262144 by default.
OUR_MAX_RECV = 262144
# reflect/trailing: the event data of the PDU behind the reflected one.
TRAILING_ALIAS = "trailing-after-reflection"

# CHAP_A values (RFC 7143 12.1.3 and the IANA PPP authentication
# algorithm registry that it points to).
CHAP_ALGS = {"5": "md5", "6": "sha1", "7": "sha256", "8": "sha3_256"}


# ---- CRC32C (RFC 7143 13.1 / RFC 3720 B.4) ------------------------------

def _crc32c_table():
    poly = 0x82F63B78  # Castagnoli, bit-reversed
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def digest(data):
    """The 4 digest bytes as they go on the wire (least significant first)."""
    return struct.pack("<I", crc32c(data))


def pad4(n):
    return -n & 3


# ---- text keys (RFC 7143 6.1) -------------------------------------------

def parse_keys(data):
    """key=value records; returns a list of (key, value) strings."""
    out = []
    for rec in data.split(b"\0"):
        if not rec:
            continue
        k, sep, v = rec.partition(b"=")
        out.append((k.decode("latin-1"), v.decode("latin-1") if sep else None))
    return out


def build_keys(pairs):
    return b"".join(("%s=%s" % kv).encode("latin-1") + b"\0" for kv in pairs)


def decode_binary(val):
    """A large binary value: 0x hex or 0b base64. None if neither."""
    if val is None or len(val) < 3 or val[0] != "0":
        return None
    try:
        if val[1] in "xX":
            s = val[2:]
            if len(s) % 2:
                s = "0" + s
            return bytes.fromhex(s)
        if val[1] in "bB":
            return base64.b64decode(val[2:], validate=True)
    except ValueError:
        return None
    return None


def chap_response(alg, ident, secret, challenge):
    h = hashlib.new(CHAP_ALGS[alg])
    h.update(bytes([ident]) + secret + challenge)
    return h.digest()


# ---- PDUs -----------------------------------------------------------------

class Pdu:
    def __init__(self, bhs, ahs=b"", data=b""):
        self.bhs = bytes(bhs)
        self.ahs = ahs
        self.data = data
        self.opcode = bhs[0] & 0x3F
        self.immediate = bool(bhs[0] & 0x40)
        self.flags = bhs[1]
        self.itt = struct.unpack_from(">I", bhs, 16)[0]
        self.dlength = int.from_bytes(bhs[5:8], "big")

    def u32(self, off):
        return struct.unpack_from(">I", self.bhs, off)[0]


def bhs_new(opcode, flags=0, dlength=0):
    b = bytearray(BHS_LEN)
    b[0] = opcode
    b[1] = flags
    b[5:8] = dlength.to_bytes(3, "big")
    return b


def put32(b, off, v):
    struct.pack_into(">I", b, off, v & 0xFFFFFFFF)


class PeerClosed(Exception):
    pass


class Done(Exception):
    """The scenario has played out on this connection."""


# ---- the target ------------------------------------------------------------

class Target:
    def __init__(self, args):
        self.args = args
        self.logf = open(args.log, "a", buffering=1)
        self.lock = threading.Lock()
        self.t0 = time.monotonic()
        self.nconn = 0
        # Reflection bookkeeping (scenario "reflect").
        self.cond = threading.Condition()
        self.alice = None       # (CHAP_I, CHAP_C text) from connection 1
        self.alice_conn = None
        self.oracle_conn = None
        self.oracle_resp = None  # CHAP_R text the initiator gave on conn 2
        self.oracle_failed = False
        # stop(): the listening sockets, the open connections' sockets
        # and threads (under lock), and the pipe that wakes serve().
        self.listening = []
        self.conns = {}
        self.stopping = False
        self.wake_r, self.wake_w = os.pipe()

    def log(self, line):
        with self.lock:
            # a connection stop() did not wait out
            if self.logf.closed:
                return
            self.logf.write("%.3f %s\n" % (time.monotonic() - self.t0, line))

    def event(self, ev, conn=None, /, **kv):
        # What connections make of stop() shutting their sockets is not
        # the peer's doing: nothing after "stopping" is logged.
        if self.stopping and ev != "stopped":
            return
        parts = ["event", ev]
        if conn is not None:
            parts.append("conn=%d" % conn)
        parts += ["%s=%s" % (k.replace("_", "-"), v) for k, v in kv.items()]
        self.log(" ".join(parts))

    def listen(self):
        for port in self.args.port:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((self.args.addr, port))
            s.listen(8)
            self.listening.append(s)
            self.event("listening", port=port, scenario=self.args.scenario,
                       variant=self.args.variant or "-")

    def serve(self):
        """Accept connections until stop() (or for ever)."""
        while True:
            ready, _, _ = select.select(self.listening + [self.wake_r], [], [])
            if self.wake_r in ready:
                return
            for s in ready:
                c, peer = s.accept()
                with self.lock:
                    self.nconn += 1
                    n = self.nconn
                t = threading.Thread(target=self.run_conn, args=(c, n),
                                     daemon=True)
                with self.lock:
                    self.conns[n] = (c, t)
                self.event("accept", n, peer="%s:%d" % peer,
                           port=s.getsockname()[1])
                t.start()

    def stop(self, server):
        """End the scenario as a kill of its process would: the listening
        sockets and every connection closed. server: the thread in serve()."""
        self.stopping = True
        os.write(self.wake_w, b"x")
        server.join()
        for s in self.listening:
            s.close()
        with self.lock:
            conns = list(self.conns.values())
        for c, _ in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for _, t in conns:
            t.join(5)
        os.close(self.wake_r)
        os.close(self.wake_w)
        self.event("stopped")
        self.logf.close()

    def run_conn(self, sock, n):
        conn = Conn(self, sock, n)
        try:
            conn.run()
        except PeerClosed as e:
            self.event("peer-closed", n, after="%.2f" % conn.since_bad(),
                       how=str(e) or "eof")
            conn.closed_early()
        except Done:
            pass
        except Exception:
            for line in traceback.format_exc().splitlines():
                self.log("# " + line)
            self.event("internal-error", n)
            conn.closed_early()
        finally:
            try:
                sock.close()
            except OSError:
                pass
            with self.lock:
                self.conns.pop(n, None)
            self.event("closed", n)


class Conn:
    def __init__(self, target, sock, n):
        self.t = target
        self.a = target.args
        self.sock = sock
        self.n = n
        self.statsn = 0x1000 * n
        self.exp_cmdsn = 0
        self.hdgst = False
        self.ddgst = False
        self.ffp = False
        self.auth_done = False
        self.chap_alg = None
        self.chap_id = None
        self.chap_chal = None
        self.role = None        # reflect: 1 (impersonated) or 2 (oracle)
        self.first_login = True
        self.responded = False  # the scenario sent this request's answer
        self.bad_at = None
        self.cmds = 0
        self.tsih = 0
        self.neg_hdgst = False
        self.neg_ddgst = False

    def event(self, ev, /, **kv):
        self.t.event(ev, self.n, **kv)

    def since_bad(self):
        return time.monotonic() - self.bad_at if self.bad_at else -1.0

    # -- socket --
    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except ConnectionResetError:
                raise PeerClosed("reset")
            except socket.timeout:
                raise PeerClosed("timeout")
            if not chunk:
                raise PeerClosed("eof" if not buf else "eof-mid-pdu")
            buf += chunk
        return buf

    def send(self, b):
        try:
            self.sock.sendall(b)
        except (BrokenPipeError, ConnectionResetError):
            raise PeerClosed("reset-on-send")

    def read_pdu(self):
        bhs = self.recv_exact(BHS_LEN)
        ahs = self.recv_exact(bhs[4] * 4) if bhs[4] else b""
        if self.hdgst:
            d = self.recv_exact(4)
            if d == digest(bhs + ahs):
                self.event("hdr-digest-ok")
            else:
                self.event("hdr-digest-bad")
        p = Pdu(bhs, ahs)
        if p.dlength > OUR_MAX_RECV:
            self.event("initiator-bad-length", dlength=p.dlength)
            raise Done()
        data = self.recv_exact(p.dlength + pad4(p.dlength))
        if p.dlength and self.ddgst:
            d = self.recv_exact(4)
            if d != digest(data):
                self.event("data-digest-bad")
        p.data = data[:p.dlength]
        return p

    def pdu_bytes(self, bhs, data=b"", bad_hdr=False, bad_data=False):
        bhs = bytes(bhs)
        out = bhs
        if self.hdgst:
            d = digest(bhs)
            if bad_hdr:
                d = bytes([d[0] ^ 0xFF]) + d[1:]
            out += d
        if data:
            padded = data + b"\0" * pad4(len(data))
            out += padded
            if self.ddgst:
                d = digest(padded)
                if bad_data:
                    d = bytes([d[0] ^ 0xFF]) + d[1:]
                out += d
        return out

    def bad(self, what, payload, close=False):
        """Send a malformed PDU (or part of one) and note it."""
        self.send(payload)
        self.bad_at = time.monotonic()
        self.event("bad-sent", what=what, bytes=len(payload))
        if close:
            # Give the bytes time to leave before the FIN.
            time.sleep(0.5)
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.event("we-closed")
            raise Done()

    def await_close(self):
        """After a bad PDU: the initiator should drop the connection."""
        self.sock.settimeout(self.a.hold)
        more = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise PeerClosed("eof")
                if len(more) < BHS_LEN:
                    more += chunk
                    if len(more) >= BHS_LEN:
                        # It took the PDU as valid and carried on.
                        p = Pdu(more[:BHS_LEN])
                        self.event("peer-continued", opcode="0x%02x" % p.opcode,
                                   after="%.2f" % self.since_bad())
        except socket.timeout:
            self.event("peer-still-open", after="%.2f" % self.since_bad())
            raise Done()
        except ConnectionResetError:
            raise PeerClosed("reset")

    def sn_fields(self, b, advance=True):
        put32(b, 24, self.statsn)
        put32(b, 28, self.exp_cmdsn)
        put32(b, 32, self.exp_cmdsn + 31)
        if advance:
            self.statsn += 1

    # -- connection --
    def run(self):
        while True:
            p = self.read_pdu()
            if not self.ffp:
                if p.opcode != OP_LOGIN_REQ:
                    self.event("not-login", opcode="0x%02x" % p.opcode)
                    raise Done()
                self.login(p)
            else:
                self.full_feature(p)

    def closed_early(self):
        if self.role == 2 and self.t.oracle_resp is None:
            with self.t.cond:
                self.t.oracle_failed = True
                self.t.cond.notify_all()
            self.event("reflect-refused")

    # -- login ---------------------------------------------------------------
    def login_rsp(self, req, keys, transit, status=0):
        csg = (req.flags >> 2) & 3
        nsg = req.flags & 3 if transit else 0
        flags = (0x80 if transit else 0) | csg << 2 | nsg
        data = keys if isinstance(keys, bytes) else build_keys(keys)
        b = bhs_new(OP_LOGIN_RSP, flags, len(data))
        b[2] = 0x00  # Version-max
        b[3] = 0x00  # Version-active
        b[8:14] = req.bhs[8:14]  # ISID
        if transit and nsg == STAGE_FFP and not status:
            self.tsih = self.n
        b[14:16] = struct.pack(">H", self.tsih)
        put32(b, 16, req.itt)
        self.exp_cmdsn = req.u32(24)
        self.sn_fields(b)
        b[36] = status >> 8
        b[37] = status & 0xFF
        return b, data

    def send_login_rsp(self, req, keys, transit, status=0):
        b, data = self.login_rsp(req, keys, transit, status)
        self.send(bytes(b) + data + b"\0" * pad4(len(data)))
        return b

    def fail_login(self, req, status, why):
        self.event("login-refused", status="0x%04x" % status, why=why)
        self.send_login_rsp(req, [], False, status)
        time.sleep(0.5)
        raise Done()

    def login(self, req):
        keys = parse_keys(req.data)
        kd = dict(keys)
        csg = (req.flags >> 2) & 3
        nsg = req.flags & 3
        tbit = bool(req.flags & 0x80)
        names = ",".join(k for k, _ in keys)
        if self.first_login:
            self.event("login", csg=csg, nsg=nsg, t=int(tbit), keys=names)
        else:
            self.event("keys", csg=csg, nsg=nsg, t=int(tbit), keys=names)
        first = self.first_login
        self.first_login = False
        sc, var = self.a.scenario, self.a.variant

        if first:
            self.login_first_hooks(req, sc, var)

        out = []
        if first:
            out.append(("TargetPortalGroupTag", "1"))
        if csg == STAGE_SECURITY:
            transit = self.security(req, kd, out)
        elif csg == STAGE_OPERATIONAL:
            transit = self.operational(req, keys, out)
        else:
            self.fail_login(req, 0x0200, "bad-stage")
        transit = transit and tbit
        if self.responded:
            # The scenario has answered this request itself.
            self.responded = False
            return
        if transit and nsg == STAGE_FFP:
            self.send_login_rsp(req, out, True)
            self.ffp = True
            # Digests apply from the first PDU after the final response.
            self.hdgst = self.neg_hdgst
            self.ddgst = self.neg_ddgst
            self.event("login-complete", header_digest=int(self.hdgst),
                       data_digest=int(self.ddgst))
        else:
            self.send_login_rsp(req, out, transit)

    def login_first_hooks(self, req, sc, var):
        if sc == "bad-length" and var in (None, "login"):
            b, _ = self.login_rsp(req, [], False)
            b[5:8] = (0xFFFFFF).to_bytes(3, "big")
            self.bad("login-dlength-ffffff", bytes(b) + b"A" * 64)
            self.await_close()
        if sc == "bad-length" and var == "short":
            body = build_keys([("TargetPortalGroupTag", "1")])
            body += b"B" * (100 - len(body))
            b, _ = self.login_rsp(req, [], False)
            b[5:8] = (1000).to_bytes(3, "big")
            self.bad("login-dlength-1000-with-100", bytes(b) + body)
            time.sleep(3)
            self.bad("close-mid-data", b"", close=True)
        if sc == "truncated" and var in (None, "login"):
            b, _ = self.login_rsp(req, [], False)
            self.bad("login-header-20-of-48", bytes(b[:20]), close=True)
        if sc == "bad-opcode" and var in (None, "login"):
            b, _ = self.login_rsp(req, [], False)
            b[0] = OP_UNASSIGNED
            self.bad("login-opcode-0x3c", bytes(b))
            self.await_close()
        if sc == "garbage-keys" and var in (None, "no-nul"):
            text = b"TargetPortalGroupTag=1 AuthMethod=None HeaderDigest=None"
            b, data = self.login_rsp(req, text, bool(req.flags & 0x80))
            self.bad("login-text-without-nul",
                     bytes(b) + data + b"\0" * pad4(len(data)))
            self.await_close()
        if sc == "garbage-keys" and var == "long-key":
            text = build_keys([("TargetPortalGroupTag", "1"),
                               ("K" * 300, "Yes"), ("AuthMethod", "None")])
            b, data = self.login_rsp(req, text, bool(req.flags & 0x80))
            self.bad("login-key-300-bytes",
                     bytes(b) + data + b"\0" * pad4(len(data)))
            self.await_close()

    def security(self, req, kd, out):
        a = self.a
        want_chap = bool(a.chap) or a.scenario == "reflect" or \
            (a.scenario == "garbage-keys" and a.variant == "chap-c")
        if "AuthMethod" in kd:
            offered = (kd["AuthMethod"] or "").split(",")
            if want_chap:
                if "CHAP" not in offered:
                    self.fail_login(req, 0x0201, "chap-not-offered")
                out.append(("AuthMethod", "CHAP"))
                return False
            if "None" not in offered:
                self.fail_login(req, 0x0201, "none-not-offered")
            out.append(("AuthMethod", "None"))
            self.auth_done = True
            return True
        if "CHAP_A" in kd and "CHAP_R" not in kd:
            return self.chap_challenge(req, kd, out)
        if "CHAP_R" in kd:
            return self.chap_verify(req, kd, out)
        return self.auth_done

    def chap_challenge(self, req, kd, out):
        algs = (kd["CHAP_A"] or "").split(",")
        alg = next((x for x in algs if x in CHAP_ALGS), None)
        if alg is None:
            out.append(("CHAP_A", "Reject"))
            self.fail_login(req, 0x0201, "no-chap-alg")
        self.chap_alg = alg
        out.append(("CHAP_A", alg))
        if self.a.scenario == "garbage-keys" and self.a.variant == "chap-c":
            out += [("CHAP_I", "1"), ("CHAP_C", "0xZZ" + "g1" * 15)]
            b, data = self.login_rsp(req, out, False)
            self.bad("chap-c-not-hex", bytes(b) + data + b"\0" * pad4(len(data)))
            self.await_close()
        if self.a.scenario == "reflect":
            t = self.t
            with t.cond:
                if t.alice is None and t.alice_conn is None:
                    t.alice_conn = self.n
                    self.role = 1
                elif t.alice is not None and t.oracle_conn is None:
                    t.oracle_conn = self.n
                    self.role = 2
            if self.role == 2:
                ident, chal = t.alice
                self.chap_id = int(ident)
                self.chap_chal = decode_binary(chal)
                out += [("CHAP_I", ident), ("CHAP_C", chal)]
                if self.a.variant == "trailing":
                    # One write: both PDUs reach the initiator in one
                    # segment, so one receive call sees them both.
                    b, data = self.login_rsp(req, out, False)
                    self.send(bytes(b) + data + b"\0" * pad4(len(data)) +
                              self.trailing_async())
                    self.responded = True
                self.event("reflect-sent", chap_i=ident, from_conn=t.alice_conn,
                           trailing=int(self.a.variant == "trailing"))
                return False
            if self.role is None:
                self.fail_login(req, 0x0201, "reflect-extra-connection")
        self.chap_id = secrets.randbelow(256)
        self.chap_chal = secrets.token_bytes(16)
        out += [("CHAP_I", str(self.chap_id)),
                ("CHAP_C", "0x" + self.chap_chal.hex())]
        return False

    def chap_verify(self, req, kd, out):
        a = self.a
        if a.scenario == "reflect":
            return self.reflect_verify(req, kd, out)
        if a.chap:
            user, secret = a.chap.split(":", 1)
            resp = decode_binary(kd.get("CHAP_R"))
            want = chap_response(self.chap_alg, self.chap_id, secret.encode(),
                                 self.chap_chal)
            if kd.get("CHAP_N") != user or resp != want:
                self.event("chap-fail", name=kd.get("CHAP_N"))
                self.fail_login(req, 0x0201, "chap-response")
            self.event("chap-ok", name=user)
        if "CHAP_C" in kd:
            if not a.mutual:
                self.fail_login(req, 0x0201, "mutual-not-configured")
            user, secret = a.mutual.split(":", 1)
            chal = decode_binary(kd["CHAP_C"])
            try:
                ident = int(kd.get("CHAP_I"))
            except (TypeError, ValueError):
                ident = -1
            if chal is None or not 0 <= ident <= 255:
                self.fail_login(req, 0x0200, "bad-initiator-challenge")
            r = chap_response(self.chap_alg, ident, secret.encode(), chal)
            out += [("CHAP_N", user), ("CHAP_R", "0x" + r.hex())]
            self.event("chap-mutual-answered", name=user)
        self.auth_done = True
        return True

    def reflect_verify(self, req, kd, out):
        t = self.t
        if self.role == 1:
            if "CHAP_C" not in kd or "CHAP_I" not in kd:
                self.fail_login(req, 0x0201, "initiator-sent-no-challenge")
            with t.cond:
                t.alice = (kd["CHAP_I"], kd["CHAP_C"])
                t.cond.notify_all()
            self.event("reflect-conn1-challenge", chap_i=kd["CHAP_I"],
                       chap_c=kd["CHAP_C"])
            deadline = time.monotonic() + self.a.hold
            with t.cond:
                while t.oracle_resp is None and not t.oracle_failed:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    t.cond.wait(left)
                resp = t.oracle_resp
            if resp is None:
                self.event("reflect-no-response")
                self.fail_login(req, 0x0201, "reflection-got-no-response")
            # The initiator's own answer, presented as ours.
            out += [("CHAP_N", self.a.peer_name), ("CHAP_R", resp)]
            self.event("reflect-replayed", name=self.a.peer_name)
            self.auth_done = True
            return True
        # Connection 2: the initiator answered its own challenge.
        with t.cond:
            t.oracle_resp = kd.get("CHAP_R")
            t.cond.notify_all()
        self.event("reflect-answered", chap_n=kd.get("CHAP_N"))
        time.sleep(1)
        self.fail_login(req, 0x0201, "oracle-connection-done")
        return False

    def trailing_async(self):
        """reflect/trailing: an Async Message (vendor specific, RFC 7143
        11.9) whose event data is TRAILING_ALIAS. It needs no task of the
        initiator's (ITT reserved), so an initiator that parses it hands
        it to iscsid."""
        data = b"\0\0" + TRAILING_ALIAS.encode()
        b = bhs_new(OP_ASYNC_MSG, 0x80, len(data))
        put32(b, 16, RSV)
        self.sn_fields(b)
        b[36] = 255  # AsyncEvent: vendor specific
        return bytes(b) + data + b"\0" * pad4(len(data))

    def operational(self, req, keys, out):
        self.neg_hdgst = False
        self.neg_ddgst = False
        for k, v in keys:
            if k in ("HeaderDigest", "DataDigest"):
                pick = next((x for x in (v or "").split(",")
                             if x in ("None", "CRC32C")), None)
                if pick is None:
                    out.append((k, "Reject"))
                    continue
                out.append((k, pick))
                if k == "HeaderDigest":
                    self.neg_hdgst = pick == "CRC32C"
                else:
                    self.neg_ddgst = pick == "CRC32C"
            elif k == "MaxRecvDataSegmentLength":
                out.append((k, str(OUR_MAX_RECV)))
            elif k in ("InitialR2T", "ImmediateData", "DataPDUInOrder",
                       "DataSequenceInOrder", "MaxBurstLength",
                       "FirstBurstLength", "DefaultTime2Wait",
                       "DefaultTime2Retain", "MaxOutstandingR2T",
                       "ErrorRecoveryLevel", "MaxConnections",
                       "IFMarker", "OFMarker"):
                # Echoing is a valid answer for every boolean and for
                # min/max numbers we can honour as offered.
                if k == "ErrorRecoveryLevel":
                    v = "0"
                elif k == "MaxConnections":
                    v = "1"
                elif k in ("IFMarker", "OFMarker"):
                    v = "No"
                out.append((k, v))
            elif k in ("InitiatorName", "InitiatorAlias", "TargetName",
                       "SessionType", "TargetAlias", "TargetAddress"):
                pass
            else:
                out.append((k, "NotUnderstood"))
        self.event("digests", header=int(self.neg_hdgst),
                   data=int(self.neg_ddgst))
        return True

    # -- full feature phase --------------------------------------------------
    def full_feature(self, p):
        sc, var = self.a.scenario, self.a.variant
        if p.opcode == OP_SCSI_CMD and not p.immediate:
            self.exp_cmdsn = p.u32(24) + 1
        elif p.opcode in (OP_NOOP_OUT, OP_TMF_REQ, OP_TEXT_REQ,
                          OP_LOGOUT_REQ) and not p.immediate:
            self.exp_cmdsn = p.u32(24) + 1
        self.event("ffp-pdu", opcode="0x%02x" % p.opcode,
                   cdb="0x%02x" % p.bhs[32] if p.opcode == OP_SCSI_CMD else "-")
        if p.opcode == OP_DATA_OUT or p.opcode == OP_SNACK:
            return
        if p.opcode == OP_NOOP_OUT and p.itt == RSV:
            return  # a reply to something we never sent
        reply = self.reply(p)
        first = self.cmds == 0
        self.cmds += 1

        if first and sc == "bad-hdr-digest":
            bhs, data = reply
            if not self.hdgst:
                self.event("scenario-impossible", why="no-header-digest")
                raise Done()
            self.bad("hdr-digest-flipped", self.pdu_bytes(bhs, data, bad_hdr=True))
            self.await_close()
        if sc == "bad-data-digest":
            if not self.ddgst:
                self.event("scenario-impossible", why="no-data-digest")
                raise Done()
            bhs, data = reply
            if data and p.opcode == OP_SCSI_CMD:
                self.bad("data-digest-flipped-opcode-0x%02x" % bhs[0],
                         self.pdu_bytes(bhs, data, bad_data=True))
                self.await_close()
        if first and sc == "truncated" and var == "ffp":
            self.bad("ffp-header-20-of-48", bytes(reply[0][:20]), close=True)
        if first and sc == "bad-opcode" and var == "ffp":
            bhs = bytearray(reply[0])
            bhs[0] = OP_UNASSIGNED
            bhs[5:8] = b"\0\0\0"
            self.bad("ffp-opcode-0x3c", self.pdu_bytes(bhs))
            self.await_close()
        if first and sc == "bad-length" and var == "ffp":
            b = bhs_new(OP_NOOP_IN, 0x80, 0xFFFFFF)
            b[8:16] = b"\0" * 8
            put32(b, 16, RSV)
            put32(b, 20, RSV)
            self.sn_fields(b, advance=False)
            self.bad("ffp-nopin-dlength-ffffff", self.pdu_bytes(b) + b"C" * 64)
            self.await_close()

        self.send(self.pdu_bytes(*reply))
        if p.opcode == OP_LOGOUT_REQ:
            self.event("logout")
            time.sleep(0.5)
            raise Done()

    def reply(self, p):
        """The well-formed answer to an initiator PDU: (bhs, data)."""
        if p.opcode == OP_NOOP_OUT:
            b = bhs_new(OP_NOOP_IN, 0x80, len(p.data))
            b[8:16] = p.bhs[8:16]
            put32(b, 16, p.itt)
            put32(b, 20, RSV)
            self.sn_fields(b)
            return b, p.data
        if p.opcode == OP_SCSI_CMD:
            return self.scsi(p)
        if p.opcode == OP_TMF_REQ:
            b = bhs_new(OP_TMF_RSP, 0x80)
            put32(b, 16, p.itt)
            self.sn_fields(b)
            return b, b""
        if p.opcode == OP_TEXT_REQ:
            b = bhs_new(OP_TEXT_RSP, 0x80)
            put32(b, 16, p.itt)
            put32(b, 20, RSV)
            self.sn_fields(b)
            return b, b""
        if p.opcode == OP_LOGOUT_REQ:
            b = bhs_new(OP_LOGOUT_RSP, 0x80)
            put32(b, 16, p.itt)
            self.sn_fields(b)
            return b, b""
        # Anything else: Reject, reason "command not supported" (0x05).
        b = bhs_new(OP_REJECT, 0x80, BHS_LEN)
        b[2] = 0x05
        put32(b, 16, RSV)
        self.sn_fields(b)
        return b, p.bhs

    def scsi(self, p):
        cdb = p.bhs[32:48]
        edtl = p.u32(20)
        op = cdb[0]
        data = None
        if op == 0x12 and not cdb[1] & 1:      # standard INQUIRY
            # Peripheral qualifier 3: no logical unit here.
            data = bytes([0x7F, 0, 5, 2, 31, 0, 0, 0]) + \
                b"SANGUARD" + b"FAKE TARGET     " + b"0001"
        elif op == 0xA0:                        # REPORT LUNS: none
            data = bytes(8)
        elif op == 0x00:                        # TEST UNIT READY
            data = b""
        if data is None:
            # CHECK CONDITION, ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED.
            sense = bytearray(18)
            sense[0] = 0x70
            sense[2] = 0x05
            sense[7] = 10
            sense[12] = 0x25
            sd = struct.pack(">H", len(sense)) + bytes(sense)
            b = bhs_new(OP_SCSI_RSP, 0x80, len(sd))
            b[3] = 0x02
            put32(b, 16, p.itt)
            self.sn_fields(b)
            return b, sd
        data = data[:edtl]
        resid = edtl - len(data)
        if not data:
            b = bhs_new(OP_SCSI_RSP, 0x80 | (0x02 if resid else 0))
            put32(b, 16, p.itt)
            put32(b, 44, resid)
            self.sn_fields(b)
            return b, b""
        b = bhs_new(OP_DATA_IN, 0x80 | 0x01 | (0x02 if resid else 0), len(data))
        b[8:16] = p.bhs[8:16]
        put32(b, 16, p.itt)
        put32(b, 20, RSV)
        self.sn_fields(b)
        put32(b, 36, 0)       # DataSN
        put32(b, 40, 0)       # Buffer Offset
        put32(b, 44, resid)
        return b, data


def selftest():
    # RFC 3720 B.4: CRC32C of 32 bytes of zeros, ones and 0..31; the
    # RFC lists the bytes as they appear on the wire.
    vectors = [
        (bytes(32), "aa36918a"),
        (b"\xff" * 32, "43aba862"),
        (bytes(range(32)), "4e79dd46"),
        (bytes(range(31, -1, -1)), "5cdb3f11"),
    ]
    for data, want in vectors:
        got = digest(data).hex()
        if got != want:
            sys.exit("crc32c: want %s got %s" % (want, got))
    k = build_keys([("A", "1"), ("CHAP_C", "0x0a0b")])
    if parse_keys(k) != [("A", "1"), ("CHAP_C", "0x0a0b")]:
        sys.exit("keys round trip")
    if decode_binary("0xabc") != b"\x0a\xbc" or decode_binary("0xZZ") is not None:
        sys.exit("hex decode")
    if decode_binary("0bAQI=") != b"\x01\x02":
        sys.exit("base64 decode")
    # RFC 1994: MD5 over identifier, secret, challenge.
    r = chap_response("5", 1, b"s", b"c")
    if r != hashlib.md5(b"\x01sc").digest():
        sys.exit("chap")
    print("fake_target selftest: ok")


def scenario_args(ap):
    """The options of one scenario: on the command line, or in a control
    line (--control)."""
    ap.add_argument("--scenario", default="normal",
                    choices=["normal", "reflect", "bad-length",
                             "bad-hdr-digest", "bad-data-digest",
                             "truncated", "garbage-keys", "bad-opcode"])
    ap.add_argument("--variant")
    ap.add_argument("--log", default="/dev/stderr")
    ap.add_argument("--chap", help="USER:SECRET the initiator must prove")
    ap.add_argument("--mutual", help="USER:SECRET we answer with")
    ap.add_argument("--peer-name", default="target",
                    help="reflect: the CHAP name we claim")
    ap.add_argument("--hold", type=float, default=30.0,
                    help="seconds to wait for the initiator to react")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--addr", default="0.0.0.0")
    ap.add_argument("--port", type=int, action="append")
    scenario_args(ap)
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--control", metavar="FIFO",
                    help="serve the scenarios FIFO names, one at a time")
    a = ap.parse_args()
    if a.selftest:
        selftest()
        return
    check_args(ap, a)
    if a.control:
        control(a)
        return
    t = Target(a)
    t.listen()
    t.serve()


VARIANTS = {
    "bad-length": ("login", "short", "ffp"),
    "truncated": ("login", "ffp"),
    "garbage-keys": ("no-nul", "long-key", "chap-c"),
    "bad-opcode": ("login", "ffp"),
    "reflect": ("plain", "trailing"),
}


def check_args(ap, a):
    if a.variant and a.variant not in VARIANTS.get(a.scenario, ()):
        ap.error("scenario %s has no variant %s" % (a.scenario, a.variant))
    if not a.port:
        a.port = [3260]


class ControlError(Exception):
    pass


class ControlParser(argparse.ArgumentParser):
    """A parser for control lines: a mistake raises, it does not exit."""

    def error(self, message):
        raise ControlError(message)


def control(base):
    """--control: serve the scenario of each "start" line in turn."""
    cp = ControlParser(add_help=False)
    scenario_args(cp)
    log = Target(base)
    # Opened for reading and writing, the FIFO never reports end of file
    # when a writer closes it.
    fifo = os.fdopen(os.open(base.control, os.O_RDWR), "r")
    current = None
    for line in fifo:
        words = shlex.split(line)
        if not words:
            continue
        try:
            if words[0] not in ("start", "stop"):
                raise ControlError("unknown command %r" % words[0])
            if current:
                current[0].stop(current[1])
                current = None
            if words[0] == "stop":
                continue
            a = argparse.Namespace(**vars(base))
            a = cp.parse_args(words[1:], namespace=a)
            check_args(cp, a)
            t = Target(a)
            t.listen()
            server = threading.Thread(target=t.serve, daemon=True)
            server.start()
            current = (t, server)
        except (ControlError, OSError) as e:
            log.event("control-error", line=line.strip().replace(" ", "_"),
                      why=str(e).replace(" ", "_"))


if __name__ == "__main__":
    main()
