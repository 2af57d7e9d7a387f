using PodUnits.Core.Errors;
using PodUnits.Runtime.Confinement.Seccomp;

namespace PodUnits.UnitTests.Confinement;

public sealed class SeccompProfileParseTests
{
    private const string Good = """
        {
          "defaultAction": "SCMP_ACT_ERRNO",
          "defaultErrnoRet": 13,
          "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
          "flags": ["SECCOMP_FILTER_FLAG_TSYNC"],
          "syscalls": [
            { "names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "comment": "io" },
            { "name": "kill", "action": "SCMP_ACT_ERRNO", "errnoRet": 1 },
            { "names": ["socket"], "action": "SCMP_ACT_ALLOW",
              "args": [{ "index": 0, "value": 40, "valueTwo": 0, "op": "SCMP_CMP_NE" }] },
            { "names": ["mount"], "action": "SCMP_ACT_ALLOW",
              "includes": { "caps": ["CAP_SYS_ADMIN"], "arches": ["amd64"], "minKernel": "5.4" },
              "excludes": { "caps": ["CAP_SYS_BOOT"] } }
          ]
        }
        """;

    [Fact]
    public void ReadsALocalhostProfileInTheOciAndDockerFields()
    {
        SeccompProfile p = SeccompProfiles.Parse(Good, "/var/lib/podunits/seccomp/app.json");
        Assert.Equal("/var/lib/podunits/seccomp/app.json", p.Source);
        Assert.Equal("SCMP_ACT_ERRNO", p.DefaultAction);
        Assert.Equal(13u, p.DefaultErrnoRet);
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], p.Architectures!);
        Assert.Equal(4, p.Syscalls!.Count);
        Assert.Equal(["read", "write"], p.Syscalls[0].Names!);
        Assert.Equal("kill", p.Syscalls[1].Name);
        Assert.Equal(1u, p.Syscalls[1].ErrnoRet);
        SeccompArgument arg = Assert.Single(p.Syscalls[2].Args!);
        Assert.Equal((0u, 40ul, "SCMP_CMP_NE"), (arg.Index, arg.Value, arg.Op));
        Assert.Equal(["CAP_SYS_ADMIN"], p.Syscalls[3].Includes!.Caps!);
        Assert.Equal("5.4", p.Syscalls[3].Includes!.MinKernel);
        Assert.Equal(["CAP_SYS_BOOT"], p.Syscalls[3].Excludes!.Caps!);
    }

    [Fact]
    public void FieldNamesMatchWithoutCaseAsGoReadsThem()
    {
        SeccompProfile p = SeccompProfiles.Parse("""{"DefaultAction":"SCMP_ACT_ALLOW","Syscalls":[{"Names":["ptrace"],"Action":"SCMP_ACT_KILL_PROCESS"}]}""", "x");
        Assert.Equal("SCMP_ACT_ALLOW", p.DefaultAction);
        Assert.Equal("SCMP_ACT_KILL_PROCESS", Assert.Single(p.Syscalls!).Action);
    }

    [Fact]
    public void RuntimeDefaultIsAProfileThisParserReads()
    {
        SeccompProfile p = SeccompProfiles.RuntimeDefault;
        Assert.Equal("RuntimeDefault", p.Source);
        Assert.Equal(("SCMP_ACT_ERRNO", 1u), (p.DefaultAction, p.DefaultErrnoRet));
        Assert.Contains(p.ArchMap!, m => m.Architecture == "SCMP_ARCH_X86_64" && m.SubArchitectures!.SequenceEqual(["SCMP_ARCH_X86", "SCMP_ARCH_X32"]));
        string[] everywhere = [.. p.Syscalls!.Where(s => s.Includes is null && s.Excludes is null && s.Args is null).SelectMany(s => s.Names!)];
        Assert.Contains("getpid", everywhere);
        Assert.DoesNotContain("keyctl", everywhere);
        Assert.DoesNotContain("mount", everywhere);
    }

    [Theory]
    [InlineData("{", "not valid JSON (line 1")]
    [InlineData("[]", "the profile must be a JSON object")]
    [InlineData("""{"defaultActon":"SCMP_ACT_ERRNO"}""", "unknown field \"defaultActon\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","include":{}}]}""", "syscalls[0]: unknown field \"include\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"opp":"SCMP_CMP_EQ"}]}]}""", "syscalls[0].args[0]: unknown field \"opp\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","excludes":{"kernel":"4.8"}}]}""", "syscalls[0].excludes: unknown field \"kernel\"")]
    [InlineData("""{"syscalls":[]}""", "defaultAction is missing")]
    [InlineData("""{"defaultAction":null}""", "defaultAction: a value of the wrong type or out of range")]
    [InlineData("""{"defaultAction":"SCMP_ACT_DENY"}""", "defaultAction: unknown action \"SCMP_ACT_DENY\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_BLOCK"}]}""", "syscalls[0] (mount) action: unknown action \"SCMP_ACT_BLOCK\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_NOTIFY"}""", "defaultAction: SCMP_ACT_NOTIFY is not supported")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","listenerPath":"/run/agent.sock"}""", "listenerPath/listenerMetadata are not supported")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","flags":["SECCOMP_FILTER_FLAG_LOG"]}""", "flags: \"SECCOMP_FILTER_FLAG_LOG\" is not supported")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ALLOW","defaultErrnoRet":1}""", "defaultErrnoRet is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_ALLOW")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":70000}""", "defaultErrnoRet: 70000 is not an errno")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_Z80"]}""", "architectures: unknown architecture \"SCMP_ARCH_Z80\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}""", "both \"architectures\" and \"archMap\" are given")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_I386"]}]}""", "archMap[0]: unknown architecture \"SCMP_ARCH_I386\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"kill","names":["kill"],"action":"SCMP_ACT_ALLOW"}]}""", "syscalls[0] (kill): both \"name\" and \"names\" are given")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"action":"SCMP_ACT_ALLOW"}]}""", "syscalls[0]: no syscall names")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["Mount"],"action":"SCMP_ACT_ALLOW"}]}""", "\"Mount\" is not a syscall name")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["kill"],"action":"SCMP_ACT_KILL","errnoRet":1}]}""", "syscalls[0] (kill) errnoRet is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_KILL")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}""", "syscalls[0] (socket): argument index 6")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_IN"}]}]}""", "syscalls[0] (socket): unknown operator \"SCMP_CMP_IN\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":"one","value":1,"op":"SCMP_CMP_EQ"}]}]}""", "syscalls[0].args[0].index: a value of the wrong type or out of range")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["SYS_ADMIN"]}}]}""", "syscalls[0] (mount) includes: unknown capability \"SYS_ADMIN\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","excludes":{"caps":["CAP_SYS_ADMN"]}}]}""", "syscalls[0] (mount) excludes: unknown capability \"CAP_SYS_ADMN\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4"}}]}""", "syscalls[0] (ptrace) includes: minKernel \"4\" is not MAJOR.MINOR")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"0.0"}}]}""", "minKernel \"0.0\" is not MAJOR.MINOR")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["AMD64"]}}]}""", "\"AMD64\" is not an architecture name")]
    public void RefusesWithAMessageThatSaysWhereAndWhy(string json, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => SeccompProfiles.Parse(json, "/var/lib/podunits/seccomp/bad.json"));
        Assert.Equal("seccomp profile /var/lib/podunits/seccomp/bad.json", e.What);
        Assert.Contains(expected, e.Why, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Fact]
    public void NamesEveryProblemAtOnce()
    {
        var e = Assert.Throws<BadInputException>(() => SeccompProfiles.Parse(
            """{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"X"},{"names":["b"],"action":"Y"}]}""", "p"));
        Assert.Equal("syscalls[0] (a) action: unknown action \"X\"; syscalls[1] (b) action: unknown action \"Y\"", e.Why);
    }
}
