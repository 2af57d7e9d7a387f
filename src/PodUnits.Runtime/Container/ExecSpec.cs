using System.Buffers.Binary;
using System.Text;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// What the last steps of a container's process must do, from the working directory to
/// execve, as the native code that carries them out reads it (src/PodUnits.Stage1/Native/
/// become.c; the layout is that file's, version 2). One implementation of the privilege drop
/// for every way into a container: called in-process (<see cref="Stage1Native"/>), or by stage
/// 1's constructor right after it joined a pod's user namespace, where running managed code
/// again would cost a second .NET start (Container/UserNamespaceEntry.cs).
/// Layout, little-endian: u32 version; str name, path, cwd; u32 flags (1 confine,
/// 2 no_new_privs, 4 a seccomp filter is planned: an empty or malformed program is then refused,
/// never taken for "no filter"); u32 uid, gid, n, n x u32 groups; u64 capabilities kept; str seccomp
/// program; str LSM attribute file, value; u32 n, n x str argv; u32 n, n x str envp; u32 the
/// descriptors from 3 on the command gets (its activation sockets; every other one is made
/// close-on-exec); where str is a u32 length and that many bytes.
/// </summary>
internal static class ExecSpec
{
    private const uint Version = 2;
    private const uint Confine = 1;
    private const uint NoNewPrivileges = 2;
    private const uint Filtered = 4;

    /// <param name="path">The executable, as the container sees it (already looked up on its PATH).</param>
    /// <param name="confine">False only for `podunits enter --privileged`.</param>
    /// <param name="passedFds">How many descriptors from 3 on the command gets (socket
    /// activation's); said here, not read from the environment, where an image's or a
    /// definition's own LISTEN_FDS would have kept every descriptor open.</param>
    public static byte[] Build(ContainerPlan c, string path, IReadOnlyList<string> argv, IReadOnlyList<string> env, bool confine, int passedFds = 0)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(env);
        using var stream = new MemoryStream();
        void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            stream.Write(b);
        }
        void Bytes(ReadOnlySpan<byte> v)
        {
            U32((uint)v.Length);
            stream.Write(v);
        }
        void Str(string v) => Bytes(Encoding.UTF8.GetBytes(v));
        void Strings(IReadOnlyList<string> list)
        {
            U32((uint)list.Count);
            foreach (string s in list)
            {
                Str(s);
            }
        }

        U32(Version);
        Str(c.Name);
        Str(path);
        Str(c.WorkingDir);
        U32((confine ? Confine : 0) | (c.NoNewPrivileges ? NoNewPrivileges : 0) | (c.Seccomp is not null ? Filtered : 0));
        U32(c.Uid);
        U32(c.Gid);
        uint[] groups = [c.Gid, .. c.SupplementaryGroups];
        U32((uint)groups.Length);
        foreach (uint g in groups)
        {
            U32(g);
        }
        ulong keep = 0;
        foreach (int cap in c.Capabilities.Where(cap => cap is >= 0 and < 64))
        {
            keep |= 1UL << cap;
        }
        Span<byte> mask = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(mask, keep);
        stream.Write(mask);
        Bytes(c.Seccomp?.Program ?? []);
        (string lsmPath, string lsmValue) = LsmExec.Attribute(c);
        Str(lsmPath);
        Str(lsmValue);
        Strings(argv);
        Strings(env);
        U32((uint)Math.Max(0, passedFds));
        return stream.ToArray();
    }
}
