# Address arithmetic for the daemon tests' expectations (gawk): IPv4 as
# numbers, IPv6 as 32 lowercase hex digits (fixed width, so that string
# order is numeric order), AS numbers as numbers.

function ip2int(s,   o) {
  split(s, o, ".")
  return ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]
}

function int2ip(n) {
  return sprintf("%d.%d.%d.%d", int(n / 16777216) % 256, int(n / 65536) % 256,
                 int(n / 256) % 256, n % 256)
}

# "2001:db8::1" -> "20010db8000000000000000000000001"
function expand6(s,   halves, head, tail, nh, nt, i, out, groups, n, v4) {
  s = tolower(s)
  if (s ~ /\.[0-9]+$/) {          # a dotted IPv4 tail: two more groups
    n = split(s, groups, ":")
    v4 = ip2int(groups[n])
    sub(/[0-9.]+$/, sprintf("%x:%x", int(v4 / 65536), v4 % 65536), s)
  }
  if (index(s, "::")) {
    split(s, halves, "::")
    nh = halves[1] == "" ? 0 : split(halves[1], head, ":")
    nt = halves[2] == "" ? 0 : split(halves[2], tail, ":")
    out = ""
    for (i = 1; i <= nh; i++) out = out sprintf("%04s", head[i])
    for (i = 0; i < 8 - nh - nt; i++) out = out "0000"
    for (i = 1; i <= nt; i++) out = out sprintf("%04s", tail[i])
  } else {
    n = split(s, groups, ":")
    out = ""
    for (i = 1; i <= n; i++) out = out sprintf("%04s", groups[i])
  }
  gsub(/ /, "0", out)
  return out
}

# The last address of the prefix HEX/LEN, as 32 hex digits.
function v6last(hex, len,   full, keep, d) {
  full = int(len / 4); keep = len % 4
  if (full == 32) return hex
  d = strtonum("0x" substr(hex, full + 1, 1))
  d = or(d, 2 ^ (4 - keep) - 1)
  return substr(hex, 1, full) sprintf("%x", d) substr("ffffffffffffffffffffffffffffffff", 1, 31 - full)
}

# The first address of the prefix HEX/LEN (HEX with its host bits cleared).
function v6first(hex, len,   full, keep, d) {
  full = int(len / 4); keep = len % 4
  if (full == 32) return hex
  d = strtonum("0x" substr(hex, full + 1, 1))
  d = and(d, 16 - 2 ^ (4 - keep))
  return substr(hex, 1, full) sprintf("%x", d) substr("00000000000000000000000000000000", 1, 31 - full)
}

# log2 of N when N is a power of two, else -1.
function log2exact(n,   k) {
  for (k = 0; 2 ^ k < n; k++) ;
  return 2 ^ k == n ? k : -1
}

# The CIDR prefixes of the IPv4 range [S, E] (numbers), "a.b.c.d/len"
# separated by spaces: the largest aligned block at each step.
function v4cidrs(s, e,   out, k) {
  out = ""
  while (s <= e) {
    for (k = 32; k > 0; k--) if (s % (2 ^ k) == 0 && s + 2 ^ k - 1 <= e) break
    out = out (out == "" ? "" : " ") int2ip(s) "/" (32 - k)
    s += 2 ^ k
  }
  return out
}
