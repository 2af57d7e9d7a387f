using System.Text;
using PodUnits.Runtime.Logging;

namespace PodUnits.UnitTests.Runtime;

/// <summary>
/// A journal target that fails: the pod's own journal is skipped from then on, the host's
/// journald is tried again after a delay (it can be stopped and started again), and the
/// lines in between are counted, not silently dropped (tour F).
/// </summary>
public sealed class LogTargetRetryTests
{
    [Fact]
    public void ARetryingTargetGetsTheLinesAfterItsJournalIsBack()
    {
        var target = new FlakyTarget(retries: true);
        target.Deliver("a-1\n"u8);
        target.Down = true;
        target.Deliver("a-2\na-3\n"u8);
        target.Deliver("a-4\n"u8);
        target.Down = false;
        target.Deliver("a-5\n"u8);
        target.Deliver("a-6\n"u8);
        target.Complete();
        Assert.Equal("a-1\na-5\na-6\n", target.Text);
        Assert.True(target.Completed);
        Assert.Equal(2, target.Resets); // each failed try drops its broken attempt
    }

    [Fact]
    public void ARetryingTargetWaitsItsDelayBetweenTries()
    {
        var target = new FlakyTarget(retries: true, delay: TimeSpan.FromHours(1)) { Down = true };
        target.Deliver("a-1\n"u8);
        target.Down = false;
        target.Deliver("a-2\n"u8); // within the delay: not tried
        Assert.Equal(1, target.Tries);
        Assert.Equal("", target.Text);
    }

    [Fact]
    public void AnotherTargetIsSkippedForTheRestOfTheStream()
    {
        var target = new FlakyTarget(retries: false) { Down = true };
        target.Deliver("a-1\n"u8);
        target.Down = false;
        target.Deliver("a-2\n"u8);
        target.Complete();
        Assert.Equal("", target.Text);
        Assert.False(target.Completed);
        Assert.Equal(1, target.Tries);
    }

    [Fact]
    public void AJournalStillDownAtTheStreamsEndIsNotSaidToBeBack()
    {
        var warnings = new List<string>();
        var target = new FlakyTarget(retries: true) { Down = true, Warn = warnings.Add };
        target.Deliver("a-1\n"u8);
        target.Deliver("a-2\n"u8);
        target.Complete();
        Assert.DoesNotContain(warnings, w => w.Contains("reachable again", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("2 lines of this stream did not reach it", StringComparison.Ordinal));
        Assert.False(target.Completed);
    }

    [Fact]
    public void LinesOfAChunkThatGotThereBeforeItsFailureAreNotCountedAsLost()
    {
        // Journal review of 2026-12-06, finding 4: a chunk of 10 lines whose 5th failed was
        // said as 10 lost, 4 of them in the journal.
        var warnings = new List<string>();
        var target = new LineByLineTarget(failAt: 5) { Warn = warnings.Add };
        target.Deliver(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 10).Select(i => $"l-{i}\n"))));
        target.Deliver("l-11\n"u8);
        Assert.Equal(["l-1", "l-2", "l-3", "l-4", "l-11"], target.Lines);
        Assert.Contains(warnings, w => w.EndsWith("reachable again; 6 lines written meanwhile did not reach it", StringComparison.Ordinal));
    }

    [Fact]
    public void APartOfALongLineIsNoLineReached()
    {
        // The pieces of a line longer than the splitter's limit are partial: only its end makes it a line.
        var warnings = new List<string>();
        var target = new LineByLineTarget(failAt: 2) { Warn = warnings.Add };
        target.Deliver(Encoding.ASCII.GetBytes(new string('x', 20_000) + "\nshort\n"));
        target.Deliver("next\n"u8);
        Assert.Contains(warnings, w => w.EndsWith("2 lines written meanwhile did not reach it", StringComparison.Ordinal));
    }

    /// <summary>Writes each piece as it comes, as the pod's journal files do, failing once at the Nth.</summary>
    private sealed class LineByLineTarget(int failAt) : LineLogTarget
    {
        private int _calls;

        public List<string> Lines { get; } = [];

        public override string Description => "test journal";

        protected override bool RetriesAfterFailure => true;

        protected override TimeSpan RetryDelay => TimeSpan.Zero;

        protected override void Line(ReadOnlySpan<byte> message, bool isPartial)
        {
            if (++_calls == failAt)
            {
                throw new IOException("append: No space left on device");
            }
            if (!isPartial)
            {
                Lines.Add(Encoding.ASCII.GetString(message));
            }
            Reached();
        }

        protected override void EndOfChunk()
        {
        }
    }

    private sealed class FlakyTarget(bool retries, TimeSpan? delay = null) : LogTarget
    {
        private readonly StringBuilder _text = new();

        public bool Down { get; set; }

        public int Tries { get; private set; }

        public int Resets { get; private set; }

        public bool Completed { get; private set; }

        public string Text => _text.ToString();

        public override string Description => "test journal";

        protected override bool RetriesAfterFailure => retries;

        protected override TimeSpan RetryDelay => delay ?? TimeSpan.Zero;

        protected override void Write(ReadOnlySpan<byte> chunk)
        {
            Tries++;
            if (Down)
            {
                throw new IOException("send: Connection refused");
            }
            _text.Append(Encoding.ASCII.GetString(chunk));
        }

        protected override void Finish()
        {
            if (Down)
            {
                throw new IOException("send: Connection refused");
            }
            Completed = true;
        }

        protected override void Reset() => Resets++;
    }
}
