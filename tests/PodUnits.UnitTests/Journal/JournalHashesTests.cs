using System.Text;
using PodUnits.Journal.Files;

namespace PodUnits.UnitTests.Journal;

/// <summary>The journal file format's hash functions against their published test vectors.</summary>
public sealed class JournalHashesTests
{
    [Fact]
    public void SipHash24MatchesTheReferenceVector()
    {
        // The SipHash paper's appendix A: key 00..0f, message 00..0e.
        byte[] key = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];
        byte[] message = [.. Enumerable.Range(0, 15).Select(i => (byte)i)];
        Assert.Equal(0xa129ca6149be45e5UL, JournalHashes.SipHash24(key, message));
        // The reference implementation's vectors for the empty and the 8-byte message.
        Assert.Equal(0x726fdb47dd0e0e31UL, JournalHashes.SipHash24(key, []));
        Assert.Equal(0x93f5f5799a932462UL, JournalHashes.SipHash24(key, message.AsSpan(0, 8)));
    }

    [Fact]
    public void Lookup3MatchesBobJenkinsDriver()
    {
        // lookup3.c's driver5(): hashlittle of the empty string and of "Four score and seven years ago".
        Assert.Equal((0xdeadbeefu, 0xdeadbeefu), JournalHashes.HashLittle2([], 0, 0));
        Assert.Equal((0xbd5b7ddeu, 0xdeadbeefu), JournalHashes.HashLittle2([], 0, 0xdeadbeef));
        Assert.Equal((0x9c093ccdu, 0xbd5b7ddeu), JournalHashes.HashLittle2([], 0xdeadbeef, 0xdeadbeef));
        Assert.Equal((0x17770551u, 0xce7226e6u), JournalHashes.HashLittle2(Encoding.ASCII.GetBytes("Four score and seven years ago"), 0, 0));
        Assert.Equal(0xcd628161u, JournalHashes.HashLittle2(Encoding.ASCII.GetBytes("Four score and seven years ago"), 1, 0).C);
    }

    [Fact]
    public void Jenkins64PutsTheFirstResultHigh()
    {
        (uint c, uint b) = JournalHashes.HashLittle2("MESSAGE=hello"u8, 0, 0);
        Assert.Equal(((ulong)c << 32) | b, JournalHashes.Jenkins64("MESSAGE=hello"u8));
    }
}
