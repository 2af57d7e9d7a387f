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
