using PodUnits.Core.Errors;
using PodUnits.Planning.State;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Planning;

/// <summary>The host ID ranges of pods in user namespaces: highest free 65,536-aligned slot
/// of the pool, kept across restarts, never shared, never silently overwritten.</summary>
public sealed class UserNamespaceRangesTests : IDisposable
{
    private const uint First = 524288;
    private const uint Step = 65536;
    private readonly string _dir = Path.Combine(Directory.CreateTempSubdirectory("podunits-userns-").FullName, "userns");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_dir)!, recursive: true);

    private const uint PoolSize = 10 * Step;

    /// <summary>The pool's slot <paramref name="n"/> counted from its end (0: the highest),
    /// for a pool of <paramref name="size"/> IDs from <see cref="First"/>.</summary>
    private static IdMapping FromTop(int n, uint size = PoolSize) => new(First + size - ((uint)n + 1) * Step, Step);

    private IdMapping Acquire(string pod, uint size = PoolSize, IReadOnlyList<IdMapping>? subordinate = null, Func<uint, bool>? hostAccountAt = null) =>
        UserNamespaceRanges.Acquire(pod, First, size, _dir, subordinate ?? [], hostAccountAt ?? (_ => false));

    [Fact]
    public void ASlotWhoseFirstOrLastIdIsAHostAccountIsSkipped()
    {
        // A directory service's user at the highest slot's base, another at the next one's end.
        var accounts = new HashSet<uint> { FromTop(0).HostFirst, FromTop(1).HostFirst + Step - 1 };
        Assert.Equal(FromTop(2), Acquire("web", hostAccountAt: accounts.Contains));
        // Held, it is kept while no account is at its ends...
        Assert.Equal(FromTop(2), Acquire("web", hostAccountAt: accounts.Contains));
        // ...and given up once one came there while the pod was stopped (an nspawn container
        // that picked the slot, a new directory user: user-namespace review of 2026-12-06,
        // second pass, finding 2).
        accounts.Add(FromTop(2).HostFirst);
        Assert.Equal(FromTop(3), Acquire("web", hostAccountAt: accounts.Contains));
        Assert.Equal($"{FromTop(3).HostFirst} {Step}\n", File.ReadAllText(Path.Combine(_dir, "web")));
        // Every slot a host account's: said as exhaustion, not handed out.
        var e = Assert.Throws<PodUnitsException>(() => Acquire("db", size: 4 * Step, hostAccountAt: _ => true));
        Assert.Contains("is exhausted", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The names nss-mymachines gives a registered machine's IDs are the pod's own,
    /// not another account in its range; another machine's are not.</summary>
    [Theory]
    [InlineData("vu-web-0", "vu", "web", true)]
    [InlineData("vg-web-65535", "vg", "web", true)]
    [InlineData("vu-web-2-0", "vu", "web", false)]
    [InlineData("vu-web-2-0", "vu", "web-2", true)]
    [InlineData("vu-web-", "vu", "web", false)]
    [InlineData("vu-webx-0", "vu", "web", false)]
    [InlineData("alice", "vu", "web", false)]
    [InlineData("vg-web-0", "vu", "web", false)]
    public void APodsOwnMachineAccountsAreKnownByName(string name, string prefix, string pod, bool own) =>
        Assert.Equal(own, UserNamespaceRanges.IsMachineAccountOf(name, prefix, pod));

    [Fact]
    public void PodsGetConsecutiveSlotsFromThePoolsEndAndKeepThem()
    {
        Assert.Equal(FromTop(0), Acquire("web"));
        Assert.Equal(FromTop(1), Acquire("db"));
        Assert.Equal(FromTop(0), Acquire("web"));
        Assert.Equal($"{FromTop(1).HostFirst} {Step}\n", File.ReadAllText(Path.Combine(_dir, "db")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
        Assert.Equal([("db", FromTop(1)), ("web", FromTop(0))], UserNamespaceRanges.ReadAll(_dir));
    }

    [Fact]
    public void AReleasedSlotIsReusedHighestFirst()
    {
        Acquire("a");
        Acquire("b");
        Acquire("c");
        Assert.True(UserNamespaceRanges.Release("b", _dir));
        Assert.False(UserNamespaceRanges.Release("b", _dir));
        Assert.True(UserNamespaceRanges.Release("a", _dir));
        Assert.Equal(FromTop(0), Acquire("d"));
        Assert.Equal(FromTop(1), Acquire("e"));
        Assert.Equal(FromTop(3), Acquire("f"));
    }

    [Fact]
    public void AFullPoolSaysSoAndWhatToRaise()
    {
        Acquire("a", 2 * Step);
        Acquire("b", 2 * Step);
        var e = Assert.Throws<PodUnitsException>(() => Acquire("c", 2 * Step));
        Assert.Equal("pod c: the user namespace ID pool 524288-655359 is exhausted: 2 pods hold its 2 ranges of 65536 IDs; " +
            "raise userNamespacePool.size in /etc/podunits/podunits.yaml, or run podunits gc to release the ranges of pods whose definitions and state are gone (remove /var/lib/podunits/pods/NAME of a pod removed for good first)",
            e.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "c")));
    }

    [Theory]
    [InlineData("524288\n")]
    [InlineData("524288 65536 0\n")]
    [InlineData("524288  65536\n")]
    [InlineData("524288 65536\n\n")]
    [InlineData("524288 0\n")]
    [InlineData("-1 65536\n")]
    [InlineData("4294901760 131072\n")]
    [InlineData("524288 1000\n")] // "corrected" by hand to another size: the planner checks IDs against 65,536
    [InlineData("")]
    public void AFileThatCannotBeReadIsAnErrorNamingItAndIsKept(string content)
    {
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, "old");
        File.WriteAllText(path, content);
        var e = Assert.Throws<PodUnitsException>(() => Acquire("old"));
        Assert.StartsWith($"{path}: is not a user namespace range (one line \"FIRST 65536\": every pod maps container IDs 0-65535), found \"{content.TrimEnd('\n')}\"", e.Message);
        Assert.Throws<PodUnitsException>(() => Acquire("other"));
        Assert.Throws<PodUnitsException>(() => UserNamespaceRanges.ReadAll(_dir));
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void ARangeOutsideAShrunkPoolIsReplaced()
    {
        Acquire("a");
        Acquire("b");
        Assert.Equal(FromTop(1), Acquire("b"));
        // The pool now ends below both: b moves to its highest slot, a's file stays as it is.
        Assert.Equal(new IdMapping(First + 5 * Step, Step), UserNamespaceRanges.Acquire("b", First + 4 * Step, 2 * Step, _dir, []));
        Assert.Equal(FromTop(0), UserNamespaceRanges.ReadAll(_dir).Single(e => e.Pod == "a").Range);
    }

    [Fact]
    public void RangesOutsideThePoolOrUnalignedAreStillAvoided()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "odd"), $"{FromTop(1).HostFirst + 100} {Step}\n");
        Assert.Equal(FromTop(2), Acquire("a")); // odd reaches into the highest slot from the one below
        File.WriteAllText(Path.Combine(_dir, "byhand"), $"{First + 3 * Step} {Step}");
        Assert.Equal(new IdMapping(First + 3 * Step, Step), Acquire("byhand"));
    }

    [Fact]
    public void PodsStartingAtOnceNeverShareIds()
    {
        string[] pods = [.. Enumerable.Range(0, 24).Select(i => $"pod{i}")];
        IdMapping[] ranges = new IdMapping[pods.Length];
        Parallel.For(0, pods.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => ranges[i] = UserNamespaceRanges.Acquire(pods[i], First, 64 * Step, _dir, []));
        Assert.Equal(pods.Length, ranges.Select(r => r.HostFirst).Distinct().Count());
        Assert.All(ranges, r => Assert.True(r.HostFirst >= FromTop(pods.Length - 1, 64 * Step).HostFirst && r.HostFirst % Step == 0));
        Assert.Equal(pods.Length, UserNamespaceRanges.ReadAll(_dir).Count);
    }

    [Fact]
    public void ReleaseUnusedAsksAboutEveryPodAndKeepsTheOnesInUse()
    {
        Acquire("a");
        Acquire("b");
        Acquire("c");
        Assert.Equal([("a", FromTop(0)), ("c", FromTop(2))],
            UserNamespaceRanges.ReleaseUnused(pod => pod == "b", _dir).Released);
        Assert.Equal(["b"], UserNamespaceRanges.ReadAll(_dir).Select(e => e.Pod));
    }

    [Fact]
    public void AnUnreadableRangeIsKeptAndReportedAndTheOthersAreStillReleased()
    {
        Acquire("a");
        Acquire("c");
        File.WriteAllText(Path.Combine(_dir, "b"), "junk");
        RangeRelease result = UserNamespaceRanges.ReleaseUnused(_ => false, _dir);
        Assert.Equal(["a", "c"], result.Released.Select(r => r.Pod));
        PodUnitsException problem = Assert.Single(result.Unreadable);
        Assert.Contains(Path.Combine(_dir, "b"), problem.Message, StringComparison.Ordinal);
        Assert.Equal(["b"], Directory.EnumerateFiles(_dir).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')));
    }

    [Fact]
    public void ReleasingOnePodDoesNotReadTheOthers()
    {
        Acquire("a");
        File.WriteAllText(Path.Combine(_dir, "broken"), "x");
        Assert.True(UserNamespaceRanges.Release("a", _dir));
        Assert.Throws<PodUnitsException>(() => UserNamespaceRanges.Release("broken", _dir));
        Assert.True(File.Exists(Path.Combine(_dir, "broken")));
    }

    [Fact]
    public void GcReleasesOnlyThePodsWhoseDefinitionIsGone()
    {
        string pods = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(_dir)!, "pods")).FullName;
        File.WriteAllText(Path.Combine(pods, "kept.yaml"), "");
        File.WriteAllText(Path.Combine(pods, "alsokept.yml"), "");
        string states = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(_dir)!, "states")).FullName;
        Acquire("kept");
        Acquire("gone");
        Acquire("alsokept");
        Assert.Equal([("gone", FromTop(1))],
            PodStateGc.ReleaseUserNamespaceRanges(new PodUnits.Definitions.PodDefinitionSearchPath([pods]), _dir, states).Released);
        Assert.Equal(["alsokept", "kept"], UserNamespaceRanges.ReadAll(_dir).Select(e => e.Pod));
        Assert.Empty(PodStateGc.ReleaseUserNamespaceRanges(new PodUnits.Definitions.PodDefinitionSearchPath([pods]), _dir + "-none", states).Released);
    }

    /// <summary>User-namespace review of 2026-12-07, finding 4: gc released the range of a
    /// removed pod whose state, which stays on disk, still held files owned by it; the next pod
    /// got those IDs, and with them the files. Kept while the state is there, and said; an
    /// ad-hoc pod's state (`podunits rm` releases it) is kept without a word.</summary>
    [Fact]
    public void GcKeepsTheRangeOfARemovedPodWhileItsStateIsThere()
    {
        string pods = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(_dir)!, "pods")).FullName;
        string states = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(_dir)!, "states")).FullName;
        Directory.CreateDirectory(Path.Combine(states, "removed", "volumes"));
        Directory.CreateDirectory(Path.Combine(states, "adhoc"));
        File.WriteAllText(Path.Combine(states, "adhoc", Path.GetFileName(PodState.AdHocMarkerPath("adhoc"))), "");
        Acquire("removed");
        Acquire("adhoc");
        Acquire("gone");
        RangeRelease gc() => PodStateGc.ReleaseUserNamespaceRanges(new PodUnits.Definitions.PodDefinitionSearchPath([pods]), _dir, states);
        RangeRelease first = gc();
        Assert.Equal(["gone"], first.Released.Select(r => r.Pod));
        Assert.Equal(["removed"], first.KeptForState);
        Assert.Equal(["adhoc", "removed"], UserNamespaceRanges.ReadAll(_dir).Select(e => e.Pod));
        Directory.Delete(Path.Combine(states, "removed"), recursive: true);
        Assert.Equal(["removed"], gc().Released.Select(r => r.Pod));
    }

    [Fact]
    public void NamesThatAreNotPodNamesAreRefused()
    {
        Assert.Throws<BadInputException>(() => Acquire("../etc"));
        Assert.Throws<BadInputException>(() => UserNamespaceRanges.Release(".lock", _dir));
    }

    /// <summary>Review of 2026-12-05: useradd gives the seventh user 493216-558751, which
    /// overlapped the first pod's range; that user could map the pod's container root. A
    /// subordinate range anywhere in the pool is avoided.</summary>
    [Fact]
    public void NoRangeOverlapsAUsersSubordinateIds()
    {
        IdMapping[] users = [new(FromTop(0).HostFirst + 10, Step), new(FromTop(2).HostFirst - 10, Step)]; // in slot 0; across slots 3 and 2
        Assert.Equal(FromTop(1), Acquire("web", subordinate: users));
        Assert.Equal(FromTop(4), Acquire("db", subordinate: users));
    }

    /// <summary>User-namespace review of 2026-12-07, finding 1: useradd reads only
    /// /etc/subuid and /etc/subgid, so the users added after a pod started took its IDs, from
    /// the seventh user on, while it ran. From the pool's end, thousands of users fit first.</summary>
    [Fact]
    public void ARangeIsNotWhereUseraddPutsTheNextUsersIds()
    {
        // Six users with useradd's ranges (SUB_UID_MIN 100000, SUB_UID_COUNT 65536).
        IdMapping[] users = [.. Enumerable.Range(0, 6).Select(i => new IdMapping((uint)(100000 + i * Step), Step))];
        IdMapping web = Acquire("web", size: 1000 * Step, subordinate: users);
        uint seventh = 100000 + 6 * Step; // what useradd hands out next: 493216-558751
        Assert.True(seventh + Step <= web.HostFirst || web.HostFirst + web.Size <= seventh,
            $"useradd's next range {seventh}-{seventh + Step - 1} overlaps pod web's {web}");
        Assert.Equal(FromTop(0, 1000 * Step), web);
    }

    /// <summary>A running pod whose range a user's subordinate IDs came to overlap keeps it
    /// until its next start: said at each start and in gc (finding 1 of the same review).</summary>
    [Fact]
    public void ARunningPodWhoseRangeAUserCameToOverlapIsSaid()
    {
        IdMapping web = FromTop(0), db = FromTop(1);
        IdMapping[] users = [new(web.HostFirst + 100, Step)];
        IReadOnlyList<string> said = SubordinateOverlaps.Describe([("db", db), ("web", web), ("stopped", web)], users, pod => pod != "stopped");
        string warning = Assert.Single(said);
        Assert.Equal($"pod web: runs with user namespace IDs {web.HostFirst}-{web.HostFirst + Step - 1}, which the subordinate IDs " +
            $"{web.HostFirst + 100}-{web.HostFirst + 100 + Step - 1} of /etc/subuid or /etc/subgid now overlap: their user can map them " +
            "and act as the pod's container users on the host; restart the pod to give it a new range", warning);
    }

    [Fact]
    public void AHeldRangeAUserCameToOverlapIsGivenUp()
    {
        Assert.Equal(FromTop(0), Acquire("web"));
        Assert.Equal(FromTop(1), Acquire("web", subordinate: [new(FromTop(0).HostFirst + 10, 1)]));
        Assert.Equal($"{FromTop(1).HostFirst} {Step}\n", File.ReadAllText(Path.Combine(_dir, "web")));
    }

    [Fact]
    public void APoolTheUsersTakeIsExhaustedSayingSo()
    {
        var e = Assert.Throws<PodUnitsException>(() => Acquire("web", size: 2 * Step, subordinate: [new(First, 2 * Step)]));
        Assert.Contains("0 pods hold its 2 ranges of 65536 IDs and 1 subordinate ID ranges of /etc/subuid and /etc/subgid overlap it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SubordinateIdFilesAreReadAsNewuidmapReadsThem()
    {
        string file = Path.Combine(Path.GetDirectoryName(_dir)!, "subuid");
        File.WriteAllText(file, "alice:100000:65536\n# a comment\nbob:165536:65536\nbroken line\n1001:231072:10\n");
        Assert.Equal([new(100000, Step), new(165536, Step), new(231072, 10)], SubordinateIds.Read([file, file + ".missing"]));
    }

    /// <summary>CLI review of 2026-12-05: status read every pod's file, so another pod's
    /// damaged one failed it.</summary>
    [Fact]
    public void OnePodsRangeIsReadFromItsOwnFileAlone()
    {
        Assert.Equal(FromTop(0), Acquire("web"));
        File.WriteAllText(Path.Combine(_dir, "broken"), "garbage");
        Assert.Equal(FromTop(0), UserNamespaceRanges.Of("web", _dir));
        Assert.Null(UserNamespaceRanges.Of("none", _dir));
        Assert.Throws<PodUnitsException>(() => UserNamespaceRanges.Of("broken", _dir));
    }
}
