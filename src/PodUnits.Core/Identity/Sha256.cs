using System.Buffers.Binary;
using System.Numerics;

namespace PodUnits.Core.Identity;

/// <summary>
/// SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104) for the few dozen bytes a pod or container
/// ID is derived from. .NET hashes through OpenSSL on Linux, and loading and configuring
/// OpenSSL costs about 3 ms, which every `podunits run` (stage 0) and every generator run
/// would pay for two tiny hashes. Anything bulk (image blobs) keeps OpenSSL's hardware-backed
/// code. Checked against System.Security.Cryptography in the unit tests.
/// </summary>
public static class Sha256
{
    public const int HashSize = 32;
    private const int BlockSize = 64;

    // Round constants: the first 32 bits of the fractional parts of the cube roots of the
    // first 64 primes; initial state: the same of the square roots of the first 8 (FIPS
    // 180-4, 4.2.2 and 5.3.3). Literal tables rather than derived at the first hash: the
    // derivation's class constructor cost every pod start about 1 ms of allocation and page
    // faults (perf); the unit tests check every hash against System.Security.Cryptography.
    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private static readonly uint[] H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        uint[] state = [.. H0];
        int whole = data.Length - (data.Length % BlockSize);
        for (int i = 0; i < whole; i += BlockSize)
        {
            Compress(state, data.Slice(i, BlockSize));
        }
        // The tail, 0x80, zeros, and the length in bits as a big-endian 64-bit number: one
        // block, or two when the tail leaves no room for the length.
        Span<byte> last = stackalloc byte[2 * BlockSize];
        last.Clear();
        ReadOnlySpan<byte> tail = data[whole..];
        tail.CopyTo(last);
        last[tail.Length] = 0x80;
        int padded = tail.Length + 1 + 8 <= BlockSize ? BlockSize : 2 * BlockSize;
        BinaryPrimitives.WriteUInt64BigEndian(last.Slice(padded - 8, 8), (ulong)data.Length * 8);
        for (int i = 0; i < padded; i += BlockSize)
        {
            Compress(state, last.Slice(i, BlockSize));
        }
        byte[] hash = new byte[HashSize];
        for (int i = 0; i < state.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(4 * i, 4), state[i]);
        }
        return hash;
    }

    /// <summary>HMAC-SHA256: H((K ^ opad) || H((K ^ ipad) || message)), a key longer than a
    /// block being hashed first.</summary>
    public static byte[] HmacHashData(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        block.Clear();
        (key.Length > BlockSize ? HashData(key) : key).CopyTo(block);
        byte[] inner = new byte[BlockSize + message.Length];
        byte[] outer = new byte[BlockSize + HashSize];
        for (int i = 0; i < BlockSize; i++)
        {
            inner[i] = (byte)(block[i] ^ 0x36);
            outer[i] = (byte)(block[i] ^ 0x5c);
        }
        message.CopyTo(inner.AsSpan(BlockSize));
        HashData(inner).CopyTo(outer.AsSpan(BlockSize));
        return HashData(outer);
    }

    private static void Compress(uint[] state, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (int t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(4 * t, 4));
        }
        for (int t = 16; t < 64; t++)
        {
            uint s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++)
        {
            uint sum1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            uint choose = (e & f) ^ (~e & g);
            uint t1 = h + sum1 + choose + K[t] + w[t];
            uint sum0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            uint majority = (a & b) ^ (a & c) ^ (b & c);
            uint t2 = sum0 + majority;
            (h, g, f, e, d, c, b, a) = (g, f, e, d + t1, c, b, a, t1 + t2);
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}
