//! Network exposure: security groups open to the internet on ports other than 80 and 443
//! (`sg-open-to-world`), and load balancers that serve HTTPS but also forward plain HTTP
//! (`lb-http-forward`).

use super::{Context, Finding, Place, Seg, as_int, as_str, get, referenced_resource};
use crate::diagnostic::Code;
use crate::eval::value::Value;
use std::collections::BTreeMap;

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    security_groups(cx, out);
    listeners(cx, out);
}

fn security_groups(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for r in &cx.resources {
        let rules: Vec<(Vec<Seg>, &Value)> = match r.type_name {
            "AWS::EC2::SecurityGroup" => match r.prop("SecurityGroupIngress") {
                Some(Value::List(list)) => list
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        (
                            vec![Seg::Key("SecurityGroupIngress".into()), Seg::Index(i)],
                            v,
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            },
            "AWS::EC2::SecurityGroupIngress" => vec![(Vec::new(), r.props)],
            _ => continue,
        };
        for (path, rule) in rules {
            let world = [("CidrIp", "0.0.0.0/0"), ("CidrIpv6", "::/0")]
                .into_iter()
                .find(|(key, cidr)| get(rule, key).and_then(as_str) == Some(*cidr));
            let Some((key, cidr)) = world else { continue };
            let Some(ports) = exposed_ports(rule) else {
                continue;
            };
            let mut at = path.clone();
            at.push(Seg::Key(key.into()));
            out.push(Finding::new(
                Code::SgOpenToWorld,
                r.index,
                Place::Property(at),
                format!("security group `{}` admits the whole internet ({cidr}) on {ports}", r.name),
                "admit a narrower CIDR or a security group (`SourceSecurityGroupId`); only a public load balancer's ports 80 and 443 should face the internet",
            ));
        }
    }
}

/// The ports an ingress rule opens beyond 80 and 443, described; `None` when it opens only
/// those, or when they are not known at build time, or for ICMP.
fn exposed_ports(rule: &Value) -> Option<String> {
    let protocol = match get(rule, "IpProtocol")? {
        Value::Int(i) => i.to_string(),
        Value::Str(s) => s.to_ascii_lowercase(),
        _ => return None,
    };
    match protocol.as_str() {
        "-1" | "all" => return Some("every port and protocol".into()),
        "tcp" | "udp" | "6" | "17" => {}
        _ => return None,
    }
    let from = get(rule, "FromPort").and_then(as_int)?;
    let to = get(rule, "ToPort").and_then(as_int)?;
    if from == -1 || to == -1 || (from <= 0 && to >= 65535) {
        return Some("every port".into());
    }
    if (from..=to).all(|p| p == 80 || p == 443) {
        return None;
    }
    Some(if from == to {
        format!("port {from}")
    } else {
        format!("ports {from}-{to}")
    })
}

fn listeners(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // load balancer -> (has an HTTPS listener, HTTP listeners)
    let mut by_lb: BTreeMap<usize, (bool, Vec<usize>)> = BTreeMap::new();
    for (position, r) in cx.resources.iter().enumerate() {
        if r.type_name != "AWS::ElasticLoadBalancingV2::Listener" {
            continue;
        }
        let Some(lb) = r.prop("LoadBalancerArn").and_then(referenced_resource) else {
            continue;
        };
        let entry = by_lb.entry(lb).or_default();
        match r.prop("Protocol").and_then(as_str) {
            Some("HTTPS") => entry.0 = true,
            Some("HTTP") => entry.1.push(position),
            _ => {}
        }
    }
    for (has_https, http) in by_lb.values() {
        if !has_https {
            continue;
        }
        for &position in http {
            let r = &cx.resources[position];
            let Some(Value::List(actions)) = r.prop("DefaultActions") else {
                continue;
            };
            for (i, action) in actions.iter().enumerate() {
                if get(action, "Type").and_then(as_str) == Some("forward") {
                    out.push(Finding::new(
                        Code::LbHttpForward,
                        r.index,
                        Place::Property(vec![Seg::Key("DefaultActions".into()), Seg::Index(i), Seg::Key("Type".into())]),
                        format!("listener `{}` forwards plain HTTP although its load balancer serves HTTPS", r.name),
                        "redirect instead: `DefaultActions: [{ Type: \"redirect\", RedirectConfig: { Protocol: \"HTTPS\", Port: \"443\", StatusCode: \"HTTP_301\" } }]`",
                    ));
                }
            }
        }
    }
}
