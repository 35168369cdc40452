#!/usr/bin/python3
"""An independent verifier of C2SP tlog-proof v1 files, written from the specifications alone (tlog-proof,
tlog-checkpoint, signed-note, RFC 6962 / RFC 9162 section 2.1.3.2) and sharing no code with the node: it checks
the log's Ed25519 signed-note signature on the checkpoint with the log's verifier key, and the Merkle inclusion
proof of a leaf under the checkpoint's root. It is what a stock verifier does; the entry and envelope in `extra`
are the federation's own business (fedaudit proof).

usage: tlog_proof_verify.py FILE.tlog-proof --vkey FILE.vkey (--leaf FILE | --leaf-hash BASE64 | --leaf-from-extra)

--leaf FILE        the leaf's bytes; its hash is SHA-256(0x00 || bytes)
--leaf-hash B64    the leaf hash itself
--leaf-from-extra  the leaf bytes rebuilt from the entry in extra, by the leaf encoding of docs/transparency-log.md 7

Exit 0 and "OK ..." when both hold, 1 and "REJECTED: ..." otherwise, 2 for usage errors. Needs python3-cryptography.
"""
import argparse
import base64
import binascii
import hashlib
import json
import struct
import sys
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HEADER = "c2sp.org/tlog-proof@v1"
MAX_BYTES = 32 * 1024 * 1024
MAX_HASHES = 64


class Rejected(Exception):
    pass


def b64(text, what):
    """Standard base64 (RFC 4648 section 4), canonical spelling only."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Rejected(f"{what} is not base64")
    if base64.b64encode(raw).decode() != text:
        raise Rejected(f"{what} is not canonical base64")
    return raw


def decimal(text, what):
    if not text or not text.isdigit() or not text.isascii() or (len(text) > 1 and text[0] == "0"):
        raise Rejected(f"{what} is not a decimal without leading zeros")
    value = int(text)
    if value >= 2**64:
        raise Rejected(f"{what} does not fit in 64 bits")
    return value


def parse_proof(data):
    if len(data) > MAX_BYTES:
        raise Rejected(f"{len(data)} bytes; at most {MAX_BYTES}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected("not UTF-8")
    lines = text.split("\n")
    if len(lines) < 4:
        raise Rejected("too short to be a proof")
    if lines[0] != HEADER:
        raise Rejected(f"first line is not {HEADER}")
    i = 1
    extra = None
    if lines[i].startswith("extra "):
        extra = b64(lines[i][len("extra "):], "extra")
        i += 1
    if not lines[i].startswith("index "):
        raise Rejected("no index line")
    index = decimal(lines[i][len("index "):], "index")
    i += 1
    proof = []
    while True:
        if i >= len(lines) - 1:
            raise Rejected("no empty line before the checkpoint")
        if lines[i] == "":
            i += 1
            break
        h = b64(lines[i], f"proof line {len(proof) + 1}")
        if len(h) != 32:
            raise Rejected(f"proof line {len(proof) + 1} is not 32 bytes")
        proof.append(h)
        if len(proof) > MAX_HASHES:
            raise Rejected(f"more than {MAX_HASHES} proof hashes")
        i += 1
    return extra, index, proof, "\n".join(lines[i:])


def parse_note(note):
    """signed-note: text (ending in a newline), an empty line, signature lines '— name base64'."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise Rejected("the checkpoint is not a signed note")
    body, block = note[: split + 1], note[split + 2 : -1]
    signatures = []
    for line in block.split("\n"):
        if not line.startswith("\u2014 "):
            raise Rejected(f"not a signature line: {line!r}")
        name, _, sig = line[2:].partition(" ")
        raw = b64(sig, f"signature of {name}")
        if len(raw) < 5:
            raise Rejected(f"signature of {name} too short")
        signatures.append((name, raw[:4], raw[4:]))
    return body, signatures


def parse_vkey(text):
    """<name>+<hex key id>+<base64(type || key)>; type 0x01 is Ed25519."""
    name, _, rest = text.strip().partition("+")
    key_id_hex, _, key_b64 = rest.partition("+")
    raw = b64(key_b64, "the verifier key")
    if len(raw) != 33 or raw[0] != 0x01:
        raise Rejected("the verifier key is not an Ed25519 key (type 0x01)")
    key_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if key_id.hex() != key_id_hex:
        raise Rejected("the verifier key's id does not match its key")
    return name, key_id, Ed25519PublicKey.from_public_bytes(raw[1:])


def verify_inclusion(index, size, leaf_hash, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        raise Rejected(f"index {index} is not below the tree size {size}")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise Rejected("the proof is too long")
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Rejected("the proof is too short")
    if r != root:
        raise Rejected("the inclusion proof does not lead to the checkpoint's root")


def leaf_from_extra(extra):
    """The leaf bytes of docs/transparency-log.md section 7, from the entry the node put in extra."""
    e = json.loads(extra)["entry"]
    stream, kind = e["streamKey"].encode(), e["eventType"].encode()
    leaf = struct.pack(">BQq", 1, e["index"], e["timestampMicros"]) + uuid.UUID(e["eventId"]).bytes
    leaf += struct.pack(">H", len(stream)) + stream + struct.pack(">H", len(kind)) + kind
    leaf += base64.b64decode(e["dataSha256"])
    leaf += b"\x00" if e["envelopeSha256"] is None else b"\x01" + base64.b64decode(e["envelopeSha256"])
    return leaf


def main(argv):
    parser = argparse.ArgumentParser(description="Verify a C2SP tlog-proof v1 file's checkpoint and inclusion proof.")
    parser.add_argument("proof")
    parser.add_argument("--vkey", required=True)
    leaf = parser.add_mutually_exclusive_group(required=True)
    leaf.add_argument("--leaf")
    leaf.add_argument("--leaf-hash")
    leaf.add_argument("--leaf-from-extra", action="store_true")
    args = parser.parse_args(argv[1:])
    try:
        with open(args.proof, "rb") as f:
            extra, index, proof, note = parse_proof(f.read(MAX_BYTES + 1))
        with open(args.vkey) as f:
            name, key_id, key = parse_vkey(f.read())
        body, signatures = parse_note(note)
        lines = body.split("\n")
        if len(lines) < 4:
            raise Rejected("the checkpoint has no origin, size and root")
        origin, size, root = lines[0], decimal(lines[1], "tree size"), b64(lines[2], "root hash")
        if len(root) != 32:
            raise Rejected("the root hash is not 32 bytes")
        mine = [s for s in signatures if s[0] == name and s[1] == key_id]
        if not mine:
            raise Rejected(f"no signature by the log key {name}")
        for _, _, sig in mine:
            try:
                key.verify(sig, body.encode())
            except InvalidSignature:
                raise Rejected(f"the log's signature by {name} does not verify")
        if args.leaf_from_extra:
            if extra is None:
                raise Rejected("no extra line to rebuild the leaf from")
            leaf_hash = hashlib.sha256(b"\x00" + leaf_from_extra(extra)).digest()
        elif args.leaf is not None:
            with open(args.leaf, "rb") as f:
                leaf_hash = hashlib.sha256(b"\x00" + f.read()).digest()
        else:
            leaf_hash = b64(args.leaf_hash, "--leaf-hash")
        verify_inclusion(index, size, leaf_hash, proof, root)
    except Rejected as e:
        print(f"REJECTED: {e}")
        return 1
    print(f"OK: leaf {index} of {origin} is in the tree of size {size}, signed by {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
