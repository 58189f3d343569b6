//! Each standard-library component's main options change the output the way its docs say.

use serde_json::Value;

/// Builds a one-stack project and returns its template.
fn build(body: &str, imports: &str) -> Value {
    let source = format!("{imports}\nstack s {{\n{body}\n}}\n");
    let result = cvl::build(
        &cvl::MemoryLoader::new().with("main.cvl", source),
        "main.cvl",
        &[],
    );
    let errors: Vec<String> = result
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {} [{}]", d.file, d.message, d.code))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    result.output.expect("builds").stacks.remove(0).template()
}

fn of_type<'t>(template: &'t Value, type_name: &str) -> Vec<(&'t String, &'t Value)> {
    template["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .filter(|(_, r)| r["Type"] == type_name)
        .collect()
}

#[test]
fn vpc_nat_gateways_follow_the_nat_option() {
    let count = |nat: &str| {
        let t = build(
            &format!("let net = vpc.Network {{ azs: 3, nat: \"{nat}\" }}"),
            "import std.vpc",
        );
        (
            of_type(&t, "AWS::EC2::NatGateway").len(),
            of_type(&t, "AWS::EC2::Subnet").len(),
            of_type(&t, "AWS::EC2::Route").len(),
        )
    };
    assert_eq!(count("one_per_az"), (3, 6, 4));
    assert_eq!(count("single"), (1, 6, 4));
    assert_eq!(count("none"), (0, 6, 1));
}

#[test]
fn vpc_flow_logs_and_endpoints_are_optional() {
    let plain = build("let net = vpc.Network {}", "import std.vpc");
    assert!(of_type(&plain, "AWS::EC2::FlowLog").is_empty());
    let full = build(
        "let net = vpc.Network { flow_logs: true, flow_log_retention_days: 90, gateway_endpoints: [\"s3\"], interface_endpoints: [\"sts\", \"logs\"] }",
        "import std.vpc",
    );
    assert_eq!(of_type(&full, "AWS::EC2::FlowLog").len(), 1);
    assert_eq!(
        of_type(&full, "AWS::Logs::LogGroup")[0].1["Properties"]["RetentionInDays"],
        90
    );
    assert_eq!(of_type(&full, "AWS::EC2::VPCEndpoint").len(), 3);
}

const ECS: &str = "let net = vpc.Network { nat: \"single\" }\n  let cluster = ecs.Cluster {}\n";

#[test]
fn ecs_https_listener_and_redirect_come_with_a_certificate() {
    let http = build(
        &format!(
            "{ECS}  let api = ecs.FargateService {{ name: \"api\", network: net, cluster: cluster.cluster, image: \"x\" }}"
        ),
        "import std.vpc\nimport std.ecs",
    );
    let listeners = of_type(&http, "AWS::ElasticLoadBalancingV2::Listener");
    assert_eq!(listeners.len(), 1);
    assert_eq!(listeners[0].1["Properties"]["Protocol"], "HTTP");
    assert_eq!(
        listeners[0].1["Properties"]["DefaultActions"][0]["Type"],
        "forward"
    );

    let https = build(
        &format!(
            "{ECS}  let api = ecs.FargateService {{ name: \"api\", network: net, cluster: cluster.cluster, image: \"x\", certificate_arn: \"arn:aws:acm:us-east-1:1:certificate/x\" }}"
        ),
        "import std.vpc\nimport std.ecs",
    );
    let listeners = of_type(&https, "AWS::ElasticLoadBalancingV2::Listener");
    let protocols: Vec<&Value> = listeners
        .iter()
        .map(|(_, l)| &l["Properties"]["Protocol"])
        .collect();
    assert_eq!(protocols, [&Value::from("HTTPS"), &Value::from("HTTP")]);
    assert_eq!(
        listeners[1].1["Properties"]["DefaultActions"][0]["Type"],
        "redirect"
    );
}

#[test]
fn ecs_scaling_and_secrets_follow_their_options() {
    let fixed = build(
        &format!(
            "{ECS}  let api = ecs.FargateService {{ name: \"api\", network: net, cluster: cluster.cluster, image: \"x\", min_tasks: 2, max_tasks: 2 }}"
        ),
        "import std.vpc\nimport std.ecs",
    );
    assert!(of_type(&fixed, "AWS::ApplicationAutoScaling::ScalingPolicy").is_empty());
    let scaled = build(
        &format!(
            "{ECS}  let api = ecs.FargateService {{ name: \"api\", network: net, cluster: cluster.cluster, image: \"x\", min_tasks: 2, max_tasks: 10, memory_target: 80,\n    secrets: [{{ env: \"DB_URL\", secret: \"app/db\", key: \"url\" }}] }}"
        ),
        "import std.vpc\nimport std.ecs",
    );
    assert_eq!(
        of_type(&scaled, "AWS::ApplicationAutoScaling::ScalingPolicy").len(),
        2
    );
    let target =
        &of_type(&scaled, "AWS::ApplicationAutoScaling::ScalableTarget")[0].1["Properties"];
    assert_eq!(
        (
            target["MinCapacity"].as_i64(),
            target["MaxCapacity"].as_i64()
        ),
        (Some(2), Some(10))
    );
    // the secret reaches the container as `Secrets`, never as a plain environment value
    let task =
        &of_type(&scaled, "AWS::ECS::TaskDefinition")[0].1["Properties"]["ContainerDefinitions"][0];
    assert_eq!(task["Secrets"][0]["Name"], "DB_URL");
    assert!(
        task["Environment"]
            .as_array()
            .is_none_or(|e| e.iter().all(|v| v["Name"] != "DB_URL"))
    );
    // and the execution role may read only that secret
    let text = serde_json::to_string(&scaled).unwrap_or_default();
    assert!(
        text.contains("secret:app/db-??????"),
        "the execution role names the secret"
    );
}

#[test]
fn aurora_options_add_rotation_and_proxy() {
    let base = "let net = vpc.Network { nat: \"none\" }\n";
    let plain = build(
        &format!("{base}  let db = aurora.ServerlessCluster {{ name: \"app\", network: net }}"),
        "import std.vpc\nimport std.aurora",
    );
    assert!(of_type(&plain, "AWS::RDS::DBProxy").is_empty());
    assert!(of_type(&plain, "AWS::SecretsManager::RotationSchedule").is_empty());
    assert_eq!(
        of_type(&plain, "AWS::RDS::DBCluster")[0].1["Properties"]["StorageEncrypted"],
        true
    );
    let full = build(
        &format!(
            "{base}  let db = aurora.ServerlessCluster {{ name: \"app\", network: net, engine: \"mysql\", proxy: true, rotation_days: 30, min_capacity: 0.5, max_capacity: 2 }}"
        ),
        "import std.vpc\nimport std.aurora",
    );
    assert_eq!(of_type(&full, "AWS::RDS::DBProxy").len(), 1);
    assert_eq!(
        of_type(&full, "AWS::SecretsManager::RotationSchedule")[0].1["Properties"]["RotationRules"]
            ["AutomaticallyAfterDays"],
        30
    );
    assert_eq!(full["Transform"], "AWS::SecretsManager-2020-07-23");
    let cluster = &of_type(&full, "AWS::RDS::DBCluster")[0].1["Properties"];
    assert_eq!(cluster["Engine"], "aurora-mysql");
    assert_eq!(
        cluster["ServerlessV2ScalingConfiguration"]["MaxCapacity"],
        2
    );
}

#[test]
fn static_site_ttl_cors_and_retention_follow_their_options() {
    let site = build(
        "let site = static_site.StaticSite { name: \"web\", default_ttl_seconds: 3600, cors_origins: [\"https://example.com\"], retain: true }",
        "import std.static_site",
    );
    assert_eq!(
        of_type(&site, "AWS::CloudFront::CachePolicy")[0].1["Properties"]["CachePolicyConfig"]["DefaultTTL"],
        3600
    );
    let headers = &of_type(&site, "AWS::CloudFront::ResponseHeadersPolicy")[0].1["Properties"]["ResponseHeadersPolicyConfig"];
    assert_eq!(
        headers["CorsConfig"]["AccessControlAllowOrigins"]["Items"][0],
        "https://example.com"
    );
    assert_eq!(
        of_type(&site, "AWS::S3::Bucket")[0].1["DeletionPolicy"],
        "Retain"
    );
    let plain = build(
        "let site = static_site.StaticSite { name: \"web\" }",
        "import std.static_site",
    );
    assert!(of_type(&plain, "AWS::CloudFront::ResponseHeadersPolicy")[0].1["Properties"]["ResponseHeadersPolicyConfig"].get("CorsConfig").is_none());
    assert_eq!(
        of_type(&plain, "AWS::S3::Bucket")[0].1["DeletionPolicy"],
        "Delete"
    );
}

#[test]
fn monitoring_topic_subscribes_every_email_and_alarms_notify_it() {
    let t = build(
        "let topic = monitoring.Topic { emails: [\"a@example.com\", \"b@example.com\"] }\n  let alarms = monitoring.Alarms { topic: topic.topic, alarms: [{ name: \"high\", description: \"d\", namespace: \"AWS/X\", metric: \"M\", dimensions: {}, statistic: \"Sum\", period_seconds: 60, evaluation_periods: 1, threshold: 5, comparison: \"GreaterThanThreshold\" }] }",
        "import std.monitoring",
    );
    assert_eq!(of_type(&t, "AWS::SNS::Subscription").len(), 2);
    let alarm = &of_type(&t, "AWS::CloudWatch::Alarm")[0].1["Properties"];
    assert_eq!(alarm["AlarmActions"][0]["Ref"], "TopicTopic");
    assert_eq!(alarm["Threshold"], 5);
}

#[test]
fn pipeline_approval_and_cross_account_roles_follow_the_stages() {
    let t = build(
        "let p = pipeline.Pipeline { name: \"app\", repository: \"o/r\", build_commands: [\"make\"], stages: [\n    { name: \"beta\", account: \"111111111111\", cross_account: false, deployments: [{ stack_name: \"app-beta\", template: \"beta/app.template.json\" }] },\n    { name: \"prod\", account: \"333333333333\", approval: true, deployments: [{ stack_name: \"app-prod\", template: \"prod/app.template.json\" }] },\n  ] }",
        "import std.pipeline",
    );
    let stages = &of_type(&t, "AWS::CodePipeline::Pipeline")[0].1["Properties"]["Stages"];
    let names: Vec<&str> = stages
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["Name"].as_str())
        .collect();
    assert_eq!(names, ["Source", "Build", "beta", "prod"]);
    let prod = &stages[3]["Actions"];
    assert_eq!(prod[0]["ActionTypeId"]["Category"], "Approval");
    assert_eq!(
        prod[1]["RoleArn"]["Fn::Sub"],
        "arn:${AWS::Partition}:iam::333333333333:role/cvl-deploy"
    );
    assert!(
        stages[2]["Actions"][0].get("RoleArn").is_none(),
        "beta deploys in the pipeline's own account"
    );
    assert_eq!(
        of_type(&t, "AWS::CodeStarNotifications::NotificationRule").len(),
        1
    );
}
