using System.Text;
using PodUnits.Definitions;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Configuration;

/// <summary>Encrypted Secrets (secrets/NAME.cred) as the loader sees them, with a fake in
/// place of systemd-creds, and what the host's copy of a plan keeps.</summary>
public sealed class EncryptedSecretTests : IDisposable
{
    private readonly string _roots = Directory.CreateTempSubdirectory("podunits-cred-").FullName;

    public EncryptedSecretTests()
    {
        Directory.CreateDirectory($"{_roots}/secrets");
        File.WriteAllText($"{_roots}/secrets/db.cred", "ciphertext");
    }

    public void Dispose() => Directory.Delete(_roots, recursive: true);

    private const string Pod = """
        apiVersion: v1
        kind: Pod
        spec:
          containers:
            - name: c
              image: busybox
              env: [{name: P, valueFrom: {secretKeyRef: {name: db, key: password}}}]
        """;

    private LoadResult Load(Func<string, string, string>? decrypt) =>
        PodDefinitionLoader.LoadText(Pod, "p.yaml", LoadOptions.Default with { RequireNameMatchesFile = false, ObjectRoots = [_roots], DecryptSecret = decrypt });

    [Fact]
    public void TheCredentialIsDecryptedInMemoryUnderItsName()
    {
        string? asked = null;
        LoadResult r = Load((path, name) =>
        {
            asked = $"{path} {name}";
            return "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n";
        });
        Assert.True(r.IsValid, string.Join('\n', r.Diagnostics));
        Assert.Equal($"{_roots}/secrets/db.cred podunits.secret.db", asked);
        ConfigObject db = r.Pod!.FindObject(ConfigObjectKind.Secret, "db")!;
        Assert.True(db.Encrypted);
        Assert.Equal("hunter2", Encoding.UTF8.GetString(db.Data["password"]));
        Assert.DoesNotContain("hunter2", db.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void KeysAreCheckedAfterDecryptingAndAFailureIsReportedAtTheFile()
    {
        LoadResult missing = Load((_, _) => "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {pass: x}\n");
        Assert.Contains(missing.Diagnostics, d => d.IsError && d.Message.Contains("has no key \"password\"", StringComparison.Ordinal));
        LoadResult failed = Load((_, _) => throw new IOException("systemd-creds decrypt failed: Failed to decrypt"));
        Assert.Contains($"{_roots}/secrets/db.cred:1:1: error: cannot be decrypted: systemd-creds decrypt failed: Failed to decrypt",
            failed.Diagnostics.Select(d => d.ToString()));
        Assert.False(failed.IsValid);
        // The start's one line says why (review of 2026-12-06: it said "not valid; fix the
        // errors reported there" of a file that is fine on the host it was made on).
        Assert.Contains("which cannot be decrypted: systemd-creds decrypt failed: Failed to decrypt; 'podunits secret create db --replace' encrypts it anew for this host",
            new PodDefinitionException(failed.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutDecryptionOnlyTheFilesExistenceIsChecked()
    {
        // The generator's way: keys cannot be known, so none is refused.
        LoadResult r = Load(null);
        Assert.True(r.IsValid, string.Join('\n', r.Diagnostics));
        Assert.False(r.Pod!.FindObject(ConfigObjectKind.Secret, "db")!.KeysKnown);
    }

    [Fact]
    public void TheHostsCopyOfAPlanHoldsNoValues()
    {
        var plan = new PodPlan
        {
            Name = "p", Hostname = "p", MachineId = new string('0', 32), StateDir = "/var/lib/podunits/pods/p",
            Containers = [new ContainerPlan { Name = "c", LowerDir = "/l", LayerDir = "/d", Argv = ["sh", "-c", "echo hunter2"], Env = ["PW=hunter2", "X=a=b"] }],
            ProjectedVolumes = [new ProjectedVolumePlan { Name = "s", Path = "/run/podunits/volumes/s", Files = [new() { Path = "pw", Content = "hunter2"u8.ToArray() }] }],
        };
        string redacted = plan.Redacted().ToJson();
        Assert.DoesNotContain("hunter2", redacted, StringComparison.Ordinal);
        PodPlan back = PodPlan.FromJson(redacted, "test");
        Assert.Equal(["PW=", "X="], back.Containers[0].Env);
        Assert.Equal("s", back.ProjectedVolumes[0].Name);
        Assert.Contains("hunter2", plan.ToJson(), StringComparison.Ordinal); // the original is untouched
        Assert.Equal(7, PlanHandoff.FdOf("/proc/self/fd/7"));
        Assert.Null(PlanHandoff.FdOf("/run/podunits/state/p/plan.json"));
    }
}
