using PodUnits.Runtime.Attach;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The typed input of an attached terminal waits in a bounded queue, so that reading
/// the terminal (and seeing the detach keys) never waits for a pod that reads nothing.</summary>
public sealed class InputQueueTests
{
    [Fact]
    public void ChunksComeOutInOrderAndNullOnceCompletedAndEmpty()
    {
        var queue = new InputQueue();
        Assert.True(queue.TryAdd("ab"u8));
        Assert.True(queue.TryAdd("c"u8));
        queue.Complete();
        Assert.Equal("ab"u8.ToArray(), queue.Take());
        Assert.Equal("c"u8.ToArray(), queue.Take());
        Assert.Null(queue.Take());
    }

    [Fact]
    public void BeyondItsBoundInputIsDroppedAndCountedWithoutWaiting()
    {
        var queue = new InputQueue();
        byte[] chunk = new byte[16 * 1024];
        for (int i = 0; i < InputQueue.MaxBytes / chunk.Length; i++)
        {
            Assert.True(queue.TryAdd(chunk));
        }
        Assert.False(queue.TryAdd("x"u8)); // nobody takes: a pod that reads no input
        Assert.Equal(1, queue.Dropped);
        Assert.NotNull(queue.Take());
        Assert.True(queue.TryAdd("y"u8)); // room again once the pod read a chunk
    }

    [Fact]
    public void TakeWaitsForInput()
    {
        var queue = new InputQueue();
        byte[]? taken = null;
        var taker = new Thread(() => taken = queue.Take()) { IsBackground = true };
        taker.Start();
        Assert.False(taker.Join(TimeSpan.FromMilliseconds(50)));
        Assert.True(queue.TryAdd("z"u8));
        Assert.True(taker.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal("z"u8.ToArray(), taken);
    }
}
