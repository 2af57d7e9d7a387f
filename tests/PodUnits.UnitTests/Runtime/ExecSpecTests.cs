using System.Buffers.Binary;
using System.Text;
using PodUnits.Runtime.Container;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

/// <summary>ExecSpec writes the layout src/PodUnits.Stage1/Native/become.c reads (version 2),
/// read back here field by field as the C reader does.</summary>
public sealed class ExecSpecTests
{
    private sealed class Reader(byte[] bytes)
    {
        private int _at;

        public bool AtEnd => _at == bytes.Length;
        public uint U32() { uint v = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(_at)); _at += 4; return v; }
        public ulong U64() { ulong v = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(_at)); _at += 8; return v; }
        public byte[] Bytes() { int n = (int)U32(); byte[] v = bytes[_at..(_at + n)]; _at += n; return v; }
        public string Str() => Encoding.UTF8.GetString(Bytes());
        public string[] Strings() => [.. Enumerable.Range(0, (int)U32()).Select(_ => Str())];
    }

    private static ContainerPlan Container(bool noNewPrivileges, SeccompPlan? seccomp) => new()
    {
        Name = "app", LowerDir = "/l", LayerDir = "/c/app", WorkingDir = "/srv/wörk", Argv = ["sh"], Env = [],
        Uid = 1000, Gid = 3000, SupplementaryGroups = [2000, 4000], Capabilities = [0, 7, 40],
        NoNewPrivileges = noNewPrivileges, Seccomp = seccomp,
    };

    [Fact]
    public void EveryFieldIsWhereTheNativeReaderLooks()
    {
        byte[] program = [1, 2, 3, 4, 5, 6, 7, 8];
        var c = Container(noNewPrivileges: true, new SeccompPlan { Profile = "RuntimeDefault", Program = program });
        var r = new Reader(ExecSpec.Build(c, "/bin/sh", ["sh", "-c", "echo hi"], ["PATH=/bin", "A=ü", "LISTEN_FDS=9"], confine: true, passedFds: 2));
        Assert.Equal(2u, r.U32());
        Assert.Equal("app", r.Str());
        Assert.Equal("/bin/sh", r.Str());
        Assert.Equal("/srv/wörk", r.Str());
        Assert.Equal(7u, r.U32()); // confine | no_new_privs | a seccomp filter is planned
        Assert.Equal(1000u, r.U32());
        Assert.Equal(3000u, r.U32());
        Assert.Equal(3u, r.U32());
        Assert.Equal([3000u, 2000u, 4000u], new[] { r.U32(), r.U32(), r.U32() });
        Assert.Equal((1UL << 0) | (1UL << 7) | (1UL << 40), r.U64());
        Assert.Equal(program, r.Bytes());
        Assert.Equal("", r.Str()); // no LSM
        Assert.Equal("", r.Str());
        Assert.Equal(["sh", "-c", "echo hi"], r.Strings());
        Assert.Equal(["PATH=/bin", "A=ü", "LISTEN_FDS=9"], r.Strings());
        // The sockets the command gets, as the caller counted them: not the environment's word.
        Assert.Equal(2u, r.U32());
        Assert.True(r.AtEnd);
    }

    [Fact]
    public void UnconfinedAndWithoutNoNewPrivilegesTheFlagsSaySo()
    {
        var r = new Reader(ExecSpec.Build(Container(noNewPrivileges: false, null), "/bin/sh", ["sh"], [], confine: false));
        r.U32();
        r.Str();
        r.Str();
        r.Str();
        Assert.Equal(0u, r.U32());
    }
}
