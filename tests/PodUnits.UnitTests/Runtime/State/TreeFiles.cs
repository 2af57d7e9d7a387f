using System.Diagnostics;
using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using static Tmds.Linux.LibC;

namespace PodUnits.UnitTests.Runtime.State;

/// <summary>Making what a container can make in a tree: names that are not UTF-8 (through
/// byte* paths; a .NET string cannot name them) and chains deeper than PATH_MAX.</summary>
internal static unsafe partial class TreeFiles
{
    public static readonly bool IsRoot = geteuid() == 0;

    /// <summary>"dir/" + the raw <paramref name="name"/> (a relative path of raw names),
    /// NUL-terminated. Give names as bytes ([(byte)'d', 0xff]): a u8 literal's "\xff" is
    /// U+00FF in UTF-8, which is UTF-8.</summary>
    private static byte[] PathOf(string dir, ReadOnlySpan<byte> name) => [.. System.Text.Encoding.UTF8.GetBytes(dir + "/"), .. name, 0];

    public static void MakeDirectory(string dir, ReadOnlySpan<byte> name)
    {
        fixed (byte* p = PathOf(dir, name))
        {
            Assert.Equal(0, mkdir(p, 0x1ed));
        }
    }

    public static void Write(string dir, ReadOnlySpan<byte> name, int bytes)
    {
        fixed (byte* p = PathOf(dir, name))
        {
            int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0x1a4);
            Assert.True(fd >= 0);
            WriteAll(fd, bytes);
        }
    }

    public static void Link(string dir, ReadOnlySpan<byte> existing, ReadOnlySpan<byte> name)
    {
        fixed (byte* from = PathOf(dir, existing))
        fixed (byte* to = PathOf(dir, name))
        {
            Assert.Equal(0, link(from, to));
        }
    }

    /// <summary>A chain d/d/d/... <paramref name="depth"/> deep below <paramref name="dir"/>, made
    /// by descriptor (its path is far longer than PATH_MAX), with a file of
    /// <paramref name="bytes"/> at the bottom.</summary>
    public static void MakeChain(string dir, int depth, int bytes)
    {
        using var top = new CString(dir);
        int fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        Assert.True(fd >= 0);
        byte* d = stackalloc byte[] { (byte)'d', 0 };
        for (int i = 0; i < depth; i++)
        {
            Assert.Equal(0, mkdirat(fd, d, 0x1ed));
            int next = openat(fd, d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            _ = close(fd);
            Assert.True(next >= 0);
            fd = next;
        }
        byte* f = stackalloc byte[] { (byte)'f', 0 };
        int file = openat(fd, f, O_WRONLY | O_CREAT | O_CLOEXEC, 0x1a4);
        _ = close(fd);
        Assert.True(file >= 0);
        WriteAll(file, bytes);
    }

    private static void WriteAll(int fd, int bytes)
    {
        try
        {
            byte[] data = Enumerable.Repeat((byte)7, bytes).ToArray();
            fixed (byte* b = data)
            {
                Assert.Equal(bytes, (int)write(fd, b, data.Length));
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>The exit code of <paramref name="file"/> run with <paramref name="args"/>.</summary>
    public static int Run(string file, params string[] args)
    {
        using Process p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        _ = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }

    /// <summary>rm -rf, whose fts walk is by descriptor: a test's leftovers, whatever they are.</summary>
    public static void ForceRemove(string path)
    {
        using Process rm = Process.Start("rm", ["-rf", "--one-file-system", path]);
        rm.WaitForExit();
    }

    /// <summary>Runs <paramref name="action"/> with at most <paramref name="more"/> descriptors
    /// beyond those open now (the soft RLIMIT_NOFILE), then puts the limit back.</summary>
    public static void WithFewDescriptors(int more, Action action)
    {
        const int RLIMIT_NOFILE = 7;
        Rlimit saved;
        Assert.Equal(0, getrlimit(RLIMIT_NOFILE, &saved));
        var few = new Rlimit { Current = (ulong)(Directory.GetFiles("/proc/self/fd").Length + more), Maximum = saved.Maximum };
        Assert.Equal(0, setrlimit(RLIMIT_NOFILE, &few));
        try
        {
            action();
        }
        finally
        {
            Assert.Equal(0, setrlimit(RLIMIT_NOFILE, &saved));
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, Rlimit* limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, Rlimit* limit);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
