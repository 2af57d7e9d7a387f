using System.Text;
using PodUnits.Journal;

namespace PodUnits.UnitTests.Journal;

/// <summary>The native protocol's exact bytes (systemd's JOURNAL_NATIVE_PROTOCOL document).</summary>
public sealed class JournalEntryBuilderTests
{
    [Fact]
    public void SimpleValuesAreNameEqualsValueNewline()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add(JournalFieldName.Message, "hello world").AddPriority(JournalPriority.Warning).Add("CONTAINER_NAME", "web");
        Assert.Equal("MESSAGE=hello world\nPRIORITY=4\nCONTAINER_NAME=web\n", Encoding.UTF8.GetString(builder.Encoded));
    }

    [Fact]
    public void CodeLocationIsTheCallersFromSrcOn()
    {
        using var builder = new JournalEntryBuilder();
        builder.AddCodeLocation("/build/podunits/src/PodUnits.Runtime/Logging/LogRoutes.cs", 62, "HostWarning");
        Assert.Equal("CODE_FILE=src/PodUnits.Runtime/Logging/LogRoutes.cs\nCODE_LINE=62\nCODE_FUNC=HostWarning\n", Encoding.UTF8.GetString(builder.Encoded));
        using var here = new JournalEntryBuilder();
        here.AddCodeLocation();
        Assert.Contains($"CODE_FUNC={nameof(CodeLocationIsTheCallersFromSrcOn)}\n", Encoding.UTF8.GetString(here.Encoded), StringComparison.Ordinal);
    }

    [Fact]
    public void ValueWithNewlineUsesTheBinaryForm()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add("MESSAGE", "a\nb");
        byte[] expected = [.. "MESSAGE\n"u8, 3, 0, 0, 0, 0, 0, 0, 0, .. "a\nb\n"u8];
        Assert.Equal(expected, builder.Encoded.ToArray());
    }

    [Fact]
    public void ValueWithNulUsesTheBinaryForm()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add("DATA", [(byte)'x', 0, (byte)'y']);
        byte[] expected = [.. "DATA\n"u8, 3, 0, 0, 0, 0, 0, 0, 0, (byte)'x', 0, (byte)'y', (byte)'\n'];
        Assert.Equal(expected, builder.Encoded.ToArray());
    }

    [Fact]
    public void StringWithNulUsesTheBinaryFormToo()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add("DATA", "x\0y");
        Assert.Equal((byte)'\n', builder.Encoded[4]);
        Assert.Equal(3, BitConverter.ToInt64(builder.Encoded.Slice(5, 8)));
    }

    [Fact]
    public void BinaryLengthCountsUtf8BytesNotChars()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add("M", "ä\n€");
        // ä is 2 bytes, \n 1, € 3.
        Assert.Equal(6, BitConverter.ToInt64(builder.Encoded.Slice(2, 8)));
        Assert.Equal("ä\n€", Encoding.UTF8.GetString(builder.Encoded.Slice(10, 6)));
        Assert.Equal(2 + 8 + 6 + 1, builder.Length);
    }

    [Fact]
    public void InvalidUtf8BytesAreSentUnchanged()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add(JournalFieldName.Message, [0xff, 0xfe, (byte)'a']);
        Assert.Equal([.. "MESSAGE="u8, 0xff, 0xfe, (byte)'a', (byte)'\n'], builder.Encoded.ToArray());
    }

    [Fact]
    public void EmptyValueIsAllowed()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add("EMPTY", "");
        Assert.Equal("EMPTY=\n", Encoding.UTF8.GetString(builder.Encoded));
    }

    [Fact]
    public void NumbersAreInvariantDecimal()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add("N", -1234567890123L).Add(JournalFieldName.Priority, JournalPriority.Debug);
        Assert.Equal("N=-1234567890123\nPRIORITY=7\n", Encoding.UTF8.GetString(builder.Encoded));
    }

    [Fact]
    public void InvalidNamesAreNormalisedAndCounted()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add("podName", "x").Add("_PID", "1").Add("OK", "y");
        Assert.Equal("PODNAME=x\nPID=1\nOK=y\n", Encoding.UTF8.GetString(builder.Encoded));
        Assert.Equal(2, builder.NormalisedNameCount);
        builder.Clear();
        Assert.Equal(0, builder.NormalisedNameCount);
        Assert.Equal(0, builder.Length);
    }

    [Fact]
    public void GrowsPastItsInitialCapacityKeepingContent()
    {
        using var builder = new JournalEntryBuilder(16);
        string big = new('x', 100_000);
        builder.Add("A", "1").Add("BIG", big).Add("Z", "2");
        string text = Encoding.UTF8.GetString(builder.Encoded);
        Assert.Equal($"A=1\nBIG={big}\nZ=2\n", text);
    }

    [Fact]
    public void ResetToDropsTheFieldsAddedAfterTheMark()
    {
        using var builder = new JournalEntryBuilder();
        builder.Add("CONTAINER_NAME", "web");
        int shared = builder.Length;
        builder.Add(JournalFieldName.Message, "line 1");
        builder.ResetTo(shared);
        builder.Add(JournalFieldName.Message, "line 2");
        Assert.Equal("CONTAINER_NAME=web\nMESSAGE=line 2\n", Encoding.UTF8.GetString(builder.Encoded));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.ResetTo(builder.Length + 1));
    }

    [Fact]
    public void AddingFieldsToAWarmBuilderAllocatesNothing()
    {
        using var builder = new JournalEntryBuilder();
        JournalFieldName container = JournalFieldName.Create("CONTAINER_NAME");
        byte[] line = "a line of container output"u8.ToArray();
        void Fill()
        {
            builder.Clear();
            builder.Add(JournalFieldName.Message, line).AddPriority(JournalPriority.Informational)
                .Add(container, "web").Add("CONTAINER_ID", "0123456789ab").Add("MULTI", "a\nb");
        }
        Fill();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Fill();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void UsingADisposedBuilderThrows()
    {
        var builder = new JournalEntryBuilder();
        builder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => builder.Add("A", "b"));
    }

    [Fact]
    public void EntriesEndedWithEndEntryAreSplitWhereJournaldSplitsThem()
    {
        using var shared = new JournalEntryBuilder();
        shared.Add("CONTAINER_NAME", "web").Add("PRIORITY", 6);
        using var batch = new JournalEntryBuilder(16);
        batch.AddEncoded(shared.Encoded).Add("MESSAGE", "first").EndEntry();
        batch.AddEncoded(shared.Encoded).Add("MESSAGE", "two\nlines").EndEntry();
        batch.AddEncoded(shared.Encoded).Add("MESSAGE", "").EndEntry();

        var entries = NativeEntry.ParseBatch(batch.Encoded);

        Assert.Equal(["first", "two\nlines", ""], entries.Select(e => e.Text("MESSAGE")));
        Assert.All(entries, e => Assert.Equal("web", e.Text("CONTAINER_NAME")));
        Assert.All(entries, e => Assert.Equal(3, e.Count));
    }
}
