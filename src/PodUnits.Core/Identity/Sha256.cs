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
    // 180-4, 4.2.2 and 5.3.3). Computed exactly in integers rather than copied as a table.
    private static readonly uint[] K = [.. FirstPrimes(64).Select(p => FractionBits(p, 3))];
    private static readonly uint[] H0 = [.. FirstPrimes(8).Select(p => FractionBits(p, 2))];

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

    private static List<int> FirstPrimes(int count)
    {
        var primes = new List<int>();
        for (int n = 2; primes.Count < count; n++)
        {
            if (primes.TakeWhile(p => p * p <= n).All(p => n % p != 0))
            {
                primes.Add(n);
            }
        }
        return primes;
    }

    /// <summary>The first 32 bits after the binary point of the <paramref name="root"/>-th
    /// root of <paramref name="n"/>: the low 32 bits of floor(root(n * 2^(32 * root))),
    /// found by bisection in exact integers.</summary>
    private static uint FractionBits(int n, int root)
    {
        UInt128 target = (UInt128)n << (32 * root);
        UInt128 low = 0, high = (UInt128)1 << 36; // every root here is below 2^36, its cube below 2^108
        while (low < high)
        {
            UInt128 mid = (low + high + 1) >> 1;
            UInt128 power = root == 2 ? mid * mid : mid * mid * mid;
            if (power <= target)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return (uint)low;
    }
}
