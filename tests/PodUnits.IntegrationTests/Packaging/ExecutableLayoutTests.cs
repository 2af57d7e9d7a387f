using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace PodUnits.IntegrationTests.Packaging;

/// <summary>
/// The installed executables keep their runtime data in clean, shared pages of the binary
/// (Directory.Build.props, docs/process-model.md): fixed-address executables (ELF type
/// EXEC), no ".hydrated" section (NativeAOT's compressed data, expanded into private memory
/// at every start) and only a handful of load-time relocations (a position-independent
/// build has one per pointer of the type data: about 78,000 for stage 1, each a write into
/// a private page of every process). A build that loses either setting fails here.
/// </summary>
public sealed class ExecutableLayoutTests
{
    private const ushort ElfTypeExecutable = 2;
    private const uint SectionTypeRela = 4;
    private const int RelaEntrySize = 24;
    /// <summary>Those left are the C library's and the runtime's own (244 for stage 1, when written).</summary>
    private const int MostRelocations = 2000;

    [Theory]
    [InlineData("/usr/bin/podunits")]
    [InlineData("/usr/libexec/podunits/podunits-stage1")]
    public void TheRuntimeDataIsSharedByEveryProcess(string path)
    {
        var elf = ElfSections.Read(path);
        Assert.Equal(ElfTypeExecutable, elf.Type);
        Assert.DoesNotContain(".hydrated", elf.Sections.Keys);
        Assert.True(elf.Sections.TryGetValue(".rela.dyn", out var rela), $"{path}: no .rela.dyn section");
        Assert.Equal(SectionTypeRela, rela.Type);
        long relocations = rela.Size / RelaEntrySize;
        Assert.True(relocations < MostRelocations, $"{path}: {relocations} load-time relocations");
    }

    /// <summary>Upgrade review of 2026-12-07, finding 3: the installed podunits and
    /// podunits-stage1 come from one build (build-release.sh stamps both publishes alike), and
    /// both say which.</summary>
    [Fact]
    public void BothExecutablesAreOneBuild()
    {
        var cli = Execute("/usr/bin/podunits", ["version"]);
        var stage1 = Execute(Stage1Path, ["version"]);
        Assert.Equal(0, cli.Code);
        Assert.Equal(0, stage1.Code);
        string build = Assert.Single(stage1.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^build [0-9]+\.[0-9]+\.[0-9]+\+[0-9a-f]{16}$", build); // the release's digest, not "+local"
        Assert.Contains(build, cli.Stdout.Split('\n'));
    }

    /// <summary>Upgrade review of 2026-12-07, finding 3: a podunits-stage1 handed a pod, or a
    /// process to enter, by a podunits of another build (or of a version that names none)
    /// refuses in one line with status 1, so Restart= runs matching files later.</summary>
    [Theory]
    [InlineData("0.0.1+0123456789abcdef", "run", "/nonexistent/plan.json", "3")]
    [InlineData(null, "run", "/nonexistent/plan.json", "3")]
    [InlineData("0.0.1+0123456789abcdef", "container-exec", "/nonexistent/plan.json", "main", "0", "--", "true")]
    public void AStageOneOfAnotherBuildRefusesTheHandOff(string? build, params string[] args)
    {
        var refused = Execute(Stage1Path, args, build);
        Assert.Equal(1, refused.Code);
        Assert.Equal("", refused.Stdout);
        string line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("podunits: podunits-stage1: is another build", line, StringComparison.Ordinal);
        Assert.Contains("an upgrade in progress?", line, StringComparison.Ordinal);
    }

    /// <summary>Review of the merged changes, 2026-12-07, finding 1: a refused `run` releases
    /// what stage 0 took for the pod (its image pin, its runtime directory, a `run -i` pod's
    /// state unless kept), which the executor that never ran would have, finding the pod by
    /// the claim descriptor it was handed, not by the plan.</summary>
    [Theory]
    [InlineData(false, false)] // a pod of a definition: its state directory stays
    [InlineData(true, false)] // `run -i`: its state goes, and its lock file
    [InlineData(true, true)] // `run -i --keep`: its state stays
    public void ARefusedRunReleasesWhatStageZeroTook(bool adHoc, bool kept)
    {
        const string Pod = "t-refused";
        string lockFile = $"/run/podunits/state/{Pod}.lock", runtimeDir = $"/run/podunits/state/{Pod}", stateDir = $"/var/lib/podunits/pods/{Pod}";
        try
        {
            Directory.CreateDirectory(runtimeDir);
            File.WriteAllText(Path.Combine(runtimeDir, "pids"), "1 1\n");
            Directory.CreateDirectory(stateDir);
            File.WriteAllText(Path.Combine(stateDir, "images"), "");
            if (adHoc)
            {
                File.WriteAllText(Path.Combine(stateDir, "ad-hoc"), "");
                Directory.CreateDirectory(Path.Combine(stateDir, "containers/main/upper"));
            }
            if (kept)
            {
                File.WriteAllText(Path.Combine(stateDir, "adhoc.yaml"), "");
            }

            var refused = Execute("/bin/bash", ["-c", $"exec 3<>{lockFile}; exec {Stage1Path} run /nonexistent/plan.json 3"], "0.0.1+0123456789abcdef");

            Assert.Equal(1, refused.Code);
            Assert.StartsWith("podunits: podunits-stage1: is another build", refused.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(stateDir, "images")), "the image pin is left");
            Assert.False(Directory.Exists(runtimeDir), "the runtime directory is left");
            Assert.Equal(!adHoc || kept, Directory.Exists(stateDir));
            Assert.Equal(!adHoc || kept, File.Exists(lockFile));
        }
        finally
        {
            if (Directory.Exists(runtimeDir))
            {
                Directory.Delete(runtimeDir, recursive: true);
            }
            if (Directory.Exists(stateDir))
            {
                Directory.Delete(stateDir, recursive: true);
            }
            File.Delete(lockFile);
        }
    }

    private const string Stage1Path = "/usr/libexec/podunits/podunits-stage1";

    /// <summary>Runs <paramref name="file"/> with PODUNITS_BUILD set to <paramref name="build"/>
    /// (removed when null) and no verbose flag, to its end.</summary>
    private static (int Code, string Stdout, string Stderr) Execute(string file, string[] args, string? build = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment.Remove("PODUNITS_VERBOSE");
        info.Environment.Remove("PODUNITS_BUILD");
        if (build is not null)
        {
            info.Environment["PODUNITS_BUILD"] = build;
        }
        using Process p = Process.Start(info)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    /// <summary>An ELF64 little-endian file's type and section headers (name, type, size): the
    /// few fields the test needs, read as the ELF specification lays them out.</summary>
    private sealed record ElfSections(ushort Type, IReadOnlyDictionary<string, (uint Type, long Size)> Sections)
    {
        public static ElfSections Read(string path)
        {
            byte[] file = File.ReadAllBytes(path);
            Assert.True(file.AsSpan(0, 4).SequenceEqual("\u007fELF"u8), $"{path}: not an ELF file");
            Assert.Equal(2, file[4]); // ELFCLASS64
            Assert.Equal(1, file[5]); // little-endian
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(16));
            long sectionOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(40));
            int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(58));
            int count = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(60));
            int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(62));
            Span<byte> Header(int i) => file.AsSpan((int)(sectionOffset + (long)i * entrySize), entrySize);
            long namesAt = (long)BinaryPrimitives.ReadUInt64LittleEndian(Header(namesIndex)[24..]);
            var sections = new Dictionary<string, (uint, long)>(StringComparer.Ordinal);
            for (int i = 1; i < count; i++)
            {
                var header = Header(i);
                int nameAt = (int)(namesAt + BinaryPrimitives.ReadUInt32LittleEndian(header));
                int nameLength = file.AsSpan(nameAt).IndexOf((byte)0);
                string name = Encoding.ASCII.GetString(file, nameAt, nameLength);
                sections[name] = (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                    (long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..]));
            }
            return new ElfSections(type, sections);
        }
    }
}
