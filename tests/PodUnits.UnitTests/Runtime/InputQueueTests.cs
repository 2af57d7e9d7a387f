using PodUnits.Runtime.Attach;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The typed input of an attached terminal waits in a bounded queue, so that reading
/// the terminal (and seeing the detach keys) never waits for a pod that reads nothing.</summary>
public sealed class InputQueueTests
{
    [Fact]
    public void ChunksComeOutInOrderAndNullOnceCompletedAndEmpty()
    {
        var queue = new InputQueue(dropWhenFull: true);
        Assert.True(queue.Add("ab"u8));
        Assert.True(queue.Add("c"u8));
        queue.Complete();
        Assert.Equal("ab"u8.ToArray(), queue.Take());
        Assert.Equal("c"u8.ToArray(), queue.Take());
        Assert.Null(queue.Take());
    }

    [Fact]
    public void FromATerminalInputBeyondTheBoundIsDroppedUntilThePodTookAllOfIt()
    {
        var queue = Full(dropWhenFull: true);
        Assert.False(queue.Add("x"u8)); // nobody takes: a pod that reads no input
        Assert.NotNull(queue.Take());
        // Room again, but what the pod reads next must not have a hole in it: still dropped.
        Assert.False(queue.Add("y"u8));
        for (int left = InputQueue.MaxBytes / (16 * 1024) - 1; left > 0; left--)
        {
            Assert.NotNull(queue.Take());
        }
        Assert.True(queue.Add("z"u8)); // drained: typed input goes again
        Assert.Equal("z"u8.ToArray(), queue.Take());
        Assert.Equal(2, queue.Dropped);
    }

    [Fact]
    public void InputThatIsNoTerminalWaitsForRoomAndLosesNothing()
    {
        var queue = Full(dropWhenFull: false);
        bool added = false;
        var adder = new Thread(() => added = queue.Add("x"u8)) { IsBackground = true };
        adder.Start();
        Assert.False(adder.Join(TimeSpan.FromMilliseconds(50))); // waiting for room
        Assert.NotNull(queue.Take());
        Assert.True(adder.Join(TimeSpan.FromSeconds(10)));
        Assert.True(added);
        Assert.Equal(0, queue.Dropped);
    }

    [Fact]
    public void AWaitingAddGivesUpWhenTheQueueIsCompleted()
    {
        var queue = Full(dropWhenFull: false);
        bool added = true;
        var adder = new Thread(() => added = queue.Add("x"u8)) { IsBackground = true };
        adder.Start();
        queue.Complete(); // the hub went away
        Assert.True(adder.Join(TimeSpan.FromSeconds(10)));
        Assert.False(added);
    }

    [Fact]
    public void AnAbandonedQueueCountsWhatStillWaitedAsDropped()
    {
        var queue = new InputQueue(dropWhenFull: true);
        Assert.True(queue.Add("abc"u8));
        queue.Abandon();
        Assert.Equal(3, queue.Dropped);
        Assert.Null(queue.Take());
        Assert.False(queue.Add("d"u8));
    }

    [Fact]
    public void TakeWaitsForInput()
    {
        var queue = new InputQueue(dropWhenFull: true);
        byte[]? taken = null;
        var taker = new Thread(() => taken = queue.Take()) { IsBackground = true };
        taker.Start();
        Assert.False(taker.Join(TimeSpan.FromMilliseconds(50)));
        Assert.True(queue.Add("z"u8));
        Assert.True(taker.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal("z"u8.ToArray(), taken);
    }

    private static InputQueue Full(bool dropWhenFull)
    {
        var queue = new InputQueue(dropWhenFull);
        byte[] chunk = new byte[16 * 1024];
        for (int i = 0; i < InputQueue.MaxBytes / chunk.Length; i++)
        {
            Assert.True(queue.Add(chunk));
        }
        return queue;
    }
}
