using BuildSign.Core.Formats;
using BuildSign.Core.Pipeline;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Pipeline;

/// <summary>The plan is data computed before anything is signed: these tests read it as data.</summary>
public sealed class SigningPlanTests : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-plan");

    public void Dispose() => _dir.Dispose();

    private static Task<SigningPlan> Plan(ExistingSignatureAction policy, bool recursive, params string[] paths) =>
        new SigningPlanner(DefaultFormats.CreateRegistry()).PlanAsync(new SigningRunOptions { Paths = paths, Recursive = recursive, OnExistingSignature = policy }, CancellationToken.None);

    [Theory]
    [InlineData(ExistingSignatureAction.Replace, PlannedAction.Replace)]
    [InlineData(ExistingSignatureAction.Append, PlannedAction.Append)]
    [InlineData(ExistingSignatureAction.Skip, PlannedAction.Skip)]
    [InlineData(ExistingSignatureAction.Fail, PlannedAction.Refuse)]
    public async Task SignedFilesFollowThePolicyAndUnsignedFilesAreSigned(ExistingSignatureAction policy, PlannedAction expected)
    {
        var signed = _dir.File("signed.dll");
        File.Copy(TestPeFiles.Signed(TestPeFiles.Pe32), signed);
        var unsigned = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32Plus);

        var plan = await Plan(policy, false, signed, unsigned);

        Assert.Equal([(signed, "pe", expected), (unsigned, "pe", PlannedAction.Sign)], plan.Files.Select(f => (f.Path, f.Format, f.Action)));
        Assert.Equal(1, plan.Files[0].ExistingSignatures);
    }

    [Fact]
    public async Task NamedFilesOfNoKnownFormatGetDetachedSignaturesButDirectoryWalksSkipThem()
    {
        var archive = _dir.File("tools.tar.gz");
        File.WriteAllBytes(archive, [0x1f, 0x8b, 8, 0, 1, 2, 3]);
        var walked = await Plan(ExistingSignatureAction.Replace, true, _dir.Path);
        Assert.Empty(walked.Files);

        var named = await Plan(ExistingSignatureAction.Replace, false, archive);
        var file = Assert.Single(named.Files);
        Assert.Equal(("detached", PlannedAction.Sign, archive + ".p7s"), (file.Format, file.Action, file.SignaturePath));
    }

    [Fact]
    public async Task GlobsExpandRelativeToTheirFixedPrefix()
    {
        var nested = Directory.CreateDirectory(_dir.File("out/net10.0")).FullName;
        File.Copy(TestPeFiles.Signed(TestPeFiles.Pe32), Path.Combine(nested, "a.dll"));
        File.Copy(TestPeFiles.Signed(TestPeFiles.Pe32), _dir.File("out/b.dll"));
        File.WriteAllText(_dir.File("out/c.txt"), "x");

        var deep = await Plan(ExistingSignatureAction.Replace, false, _dir.File("out") + "/**/*.dll");
        Assert.Equal([_dir.File("out/b.dll"), Path.Combine(nested, "a.dll")], deep.Files.Select(f => f.Path).Order(StringComparer.Ordinal));

        var shallow = await Plan(ExistingSignatureAction.Replace, false, _dir.File("out") + "/*.dll");
        Assert.Equal([_dir.File("out/b.dll")], shallow.Files.Select(f => f.Path));
    }
}
