using System.Collections.Concurrent;
using System.Net.Sockets;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.Health;

/// <summary>
/// Makes TCP sockets in the pod's network namespace for the network probes, which run in the
/// executor (no process per probe). A socket belongs to the namespace of the thread that
/// created it and can then be used from any thread, so one thread of the executor joins the
/// pod's namespace (setns) once, on first use, and creates sockets on request; everything else
/// (connect, TLS, HTTP) happens on the caller's side. With the host's network it is just
/// <c>new Socket</c>.
/// </summary>
public sealed class NetnsSockets : IDisposable
{
    private readonly string? _netnsPath;
    private readonly BlockingCollection<(AddressFamily Family, TaskCompletionSource<Socket> Result)> _requests = [];
    private readonly object _lock = new();
    private Thread? _thread;

    /// <param name="netnsPath">The pod's namespace (/proc/PID/ns/net of its init), or null
    /// for the host's.</param>
    public NetnsSockets(string? netnsPath) => _netnsPath = netnsPath;

    public Socket Create(AddressFamily family)
    {
        if (_netnsPath is null)
        {
            return new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        }
        lock (_lock)
        {
            _thread ??= StartThread();
        }
        var result = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((family, result));
        return result.Task.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread?.Join(TimeSpan.FromSeconds(1));
        _requests.Dispose();
    }

    private Thread StartThread()
    {
        var thread = new Thread(Serve) { IsBackground = true, Name = "pod netns" };
        thread.Start();
        return thread;
    }

    private void Serve()
    {
        Exception? failed = null;
        try
        {
            int fd = Check.Io(LibcExtra.open(_netnsPath!, LibcExtra.O_CLOEXEC, 0), "open", _netnsPath);
            try
            {
                Check.Io(LibcExtra.setns(fd, LibcExtra.CLONE_NEWNET), "setns", _netnsPath);
            }
            finally
            {
                LibcExtra.close(fd);
            }
        }
        catch (NativeCallException e)
        {
            failed = e; // every probe fails with it: the pod's namespace is gone
        }
        foreach ((AddressFamily family, TaskCompletionSource<Socket> result) in _requests.GetConsumingEnumerable())
        {
            if (failed is not null)
            {
                result.SetException(failed);
                continue;
            }
            try
            {
                result.SetResult(new Socket(family, SocketType.Stream, ProtocolType.Tcp));
            }
            catch (SocketException e)
            {
                result.SetException(e);
            }
        }
    }
}
