using System.Security.Cryptography;
using System.Text;
using PodUnits.Core.Identity;

namespace PodUnits.UnitTests.Core;

/// <summary>The identity hashes' own SHA-256 and HMAC against published vectors and the platform's.</summary>
public sealed class Sha256Tests
{
    [Theory]
    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA256_2.pdf") and the empty message.
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void MatchesPublishedVectors(string message, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha256.HashData(Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void MatchesThePlatformForEveryLengthAroundTheBlockBoundaries()
    {
        var random = new Random(1);
        // 0..200 bytes covers one, two and four blocks, and each padding case (55, 56, 63, 64).
        for (int length = 0; length <= 200; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(SHA256.HashData(data), Sha256.HashData(data));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)] // a machine ID, as PodIdentity uses it
    [InlineData(64)]
    [InlineData(65)] // longer than a block: hashed first
    [InlineData(131)]
    public void HmacMatchesThePlatform(int keyLength)
    {
        var random = new Random(keyLength);
        byte[] key = new byte[keyLength];
        random.NextBytes(key);
        foreach (int length in new[] { 0, 1, 55, 64, 100 })
        {
            byte[] message = new byte[length];
            random.NextBytes(message);
            Assert.Equal(HMACSHA256.HashData(key, message), Sha256.HmacHashData(key, message));
        }
    }

    [Fact]
    public void HmacMatchesRfc4231TestCase2() =>
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            Convert.ToHexStringLower(Sha256.HmacHashData("Jefe"u8, "what do ya want for nothing?"u8)));
}
