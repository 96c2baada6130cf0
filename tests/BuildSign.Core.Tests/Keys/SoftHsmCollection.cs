namespace BuildSign.Core.Tests.Keys;

/// <summary>
/// Tests that load the SoftHSM2 module. The module holds one configuration per process while it is
/// initialized, so these tests run one after another and each disposes its keys.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoftHsmCollection
{
    public const string Name = "SoftHSM2";
}
