using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Planning.Plan;
using PodUnits.Runtime.Confinement.Seccomp;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Confinement;

/// <summary>Which seccomp profile a container gets, and the compiled-program cache.</summary>
public sealed class SeccompPlanTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("podunits-seccomp-cache-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private static PodDefinition Pod(SeccompProfileRef? podProfile) => new()
    {
        Name = "p", SourcePath = "/etc/podunits/pods/p.yaml", Containers = [],
        SecurityContext = podProfile is null ? null : new PodSecurityContext(null, null, podProfile),
    };

    private static ContainerSecurityContext Security(SeccompProfileRef? profile, bool privileged = false) =>
        new(null, null, false, privileged, null, [], [], profile);

    private static readonly SeccompProfileRef Unconfined = new(SeccompProfileType.Unconfined, null, 3, 4);
    private static readonly SeccompProfileRef Audit = new(SeccompProfileType.Localhost, "profiles/audit.json", 5, 6);

    [Fact]
    public void NothingSaidMeansRuntimeDefaultAsWithKubeletSeccompDefault()
    {
        SeccompPlan plan = PlanBuilder.Seccomp(Pod(null), null)!;
        Assert.Equal("RuntimeDefault", plan.Profile);
        Assert.Equal("default", plan.Origin);
    }

    [Fact]
    public void TheContainersProfileWinsOverThePods()
    {
        Assert.Null(PlanBuilder.Seccomp(Pod(Audit), Security(Unconfined)));
        SeccompPlan local = PlanBuilder.Seccomp(Pod(Unconfined), Security(Audit))!;
        Assert.Equal("Localhost profiles/audit.json", local.ToString());
        Assert.Equal("/etc/podunits/pods/p.yaml:5:6", local.Origin);
        Assert.Equal("Localhost", PlanBuilder.Seccomp(Pod(Audit), Security(null))!.Profile);
    }

    [Fact]
    public void PrivilegedContainersRunUnconfinedAsUnderContainerd() =>
        Assert.Null(PlanBuilder.Seccomp(Pod(null), Security(Audit, privileged: true)));

    [Fact]
    public void AMissingLocalhostProfileIsBadInputNamingWhereTheDefinitionAsksForIt()
    {
        var e = Assert.Throws<BadInputException>(() => SeccompPlanner.Compile(LocalhostPlan("nope.json"), _cache));
        Assert.Equal($"/etc/podunits/pods/p.yaml:5:6: pod p: container c: seccomp profile Localhost \"nope.json\": no such file {_cache}/nope.json", e.Message);
    }

    /// <summary>A directory (an administrator's subdirectory of profiles, named without the
    /// file) is one line naming the path, not an "internal error" (confinement review of
    /// 2026-12-07, finding 6).</summary>
    [Fact]
    public void ALocalhostProfileThatIsADirectoryIsBadInputNamingThePath()
    {
        Directory.CreateDirectory($"{_cache}/d");
        var e = Assert.Throws<BadInputException>(() => SeccompPlanner.Compile(LocalhostPlan("d"), _cache));
        Assert.Equal($"/etc/podunits/pods/p.yaml:5:6: pod p: container c: seccomp profile Localhost \"d\": {_cache}/d is not a readable file", e.Message);
    }

    private static PodPlan LocalhostPlan(string profile) => new()
    {
        Name = "p", Hostname = "p", MachineId = "00112233445566778899aabbccddeeff", StateDir = "/x",
        Containers =
        [
            new ContainerPlan
            {
                Name = "c", LowerDir = "/l", LayerDir = "/d",
                Seccomp = new SeccompPlan { Profile = "Localhost", LocalhostProfile = profile, Origin = "/etc/podunits/pods/p.yaml:5:6" },
            },
        ],
    };

    [Fact]
    public void ProgramsAreCompiledOnceAndThenReadFromTheCache()
    {
        List<int> caps = PodUnits.Runtime.Plan.Capabilities.BoundingSet(false, [], []);
        byte[] first = SeccompPrograms.GetRuntimeDefault(caps, _cache);
        string cached = Assert.Single(Directory.GetFiles(_cache, "*.bpf"));
        Assert.Equal(SeccompPrograms.CacheFile(first), File.ReadAllBytes(cached));
        Assert.Equal(Convert.ToString(Convert.ToInt32("600", 8), 8), Convert.ToString((int)File.GetUnixFileMode(cached), 8));

        // A second start reads the file: changed on purpose (and its hash with it), the change comes back.
        byte[] marked = [.. first];
        marked[^1] ^= 0xff;
        File.WriteAllBytes(cached, SeccompPrograms.CacheFile(marked));
        Assert.Equal(marked, SeccompPrograms.GetRuntimeDefault(caps, _cache));

        // Another capability set, another program.
        List<int> withAdmin = PodUnits.Runtime.Plan.Capabilities.BoundingSet(false, ["SYS_ADMIN"], []);
        Assert.NotEqual(first, SeccompPrograms.GetRuntimeDefault(withAdmin, _cache));
        Assert.Equal(2, Directory.GetFiles(_cache, "*.bpf").Length);

        // The same profile given by its bytes (as a Localhost file is) shares the key.
        Assert.Equal(marked, SeccompPrograms.Get(SeccompPrograms.RuntimeDefaultJson, "copy of RuntimeDefault", caps, _cache));
    }

    /// <summary>Review of 2026-12-05: a cache file a crash left empty was read as an empty
    /// program, which the native side took for "no filter": every default pod ran unfiltered.
    /// A file that is not whole (empty, torn, its bytes changed without its hash) is compiled
    /// again and rewritten.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public void ADamagedCacheFileIsCompiledAgain(int keep)
    {
        List<int> caps = PodUnits.Runtime.Plan.Capabilities.BoundingSet(false, [], []);
        byte[] first = SeccompPrograms.GetRuntimeDefault(caps, _cache);
        string cached = Assert.Single(Directory.GetFiles(_cache, "*.bpf"));
        byte[] file = File.ReadAllBytes(cached);
        if (keep >= 0)
        {
            file = file[..keep];
        }
        else
        {
            file[^1] ^= 0xff; // the program changed, its hash did not
        }
        File.WriteAllBytes(cached, file);

        Assert.Equal(first, SeccompPrograms.GetRuntimeDefault(caps, _cache));
        Assert.Equal(SeccompPrograms.CacheFile(first), File.ReadAllBytes(cached));
    }

    [Fact]
    public void TheKeyCoversTheProfileAndTheCapabilities()
    {
        List<int> caps = [0, 1];
        Assert.NotEqual(SeccompPrograms.Key("aa", caps), SeccompPrograms.Key("bb", caps));
        Assert.NotEqual(SeccompPrograms.Key("aa", caps), SeccompPrograms.Key("aa", [0, 1, 21]));
        Assert.Equal(SeccompPrograms.Key("aa", [1, 0]), SeccompPrograms.Key("aa", caps));
    }

    [Fact]
    public void TheBuiltInProfilesHashIsTheEmbeddedFiles() =>
        Assert.Equal(SeccompPrograms.RuntimeDefaultSha256,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(SeccompPrograms.RuntimeDefaultJson)));
}
