"""Word tables for the offline planner (English and Chinese).

Kept apart from the logic in `offline/` so they can grow without touching it. All English entries
are lower case; Chinese entries are matched as plain substrings (longest first).
"""

from __future__ import annotations

# --- things in the picture -------------------------------------------------------------------------
# concept -> (English words, Chinese words, label alternatives in preference order).
# An alternative is a tuple of labels used together (e.g. both shoes); the first alternative with a
# label present in the picture wins. "@person_parts" stands for every person-part label present.
Concept = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]

_CLOTHES_ALTS: tuple[tuple[str, ...], ...] = (
    ("clothes",), ("clothing",), ("apparel",), ("outfit",),
    ("upper_clothes", "lower_clothes", "dress", "skirt", "pants", "coat", "jumpsuits"),
)
_UPPER_ALTS: tuple[tuple[str, ...], ...] = (
    ("upper_clothes",), ("upper-clothes",), ("upperclothes",), ("top",), ("shirt",), ("coat",), ("jacket",),
    ("dress",), ("clothes",), ("clothing",), ("apparel",), ("outfit",),
)

CONCEPTS: dict[str, Concept] = {
    # people and their parts
    "person": (
        ("person", "persons", "people", "man", "men", "woman", "women", "guy", "guys", "girl", "girls", "boy", "boys",
         "lady", "ladies", "child", "children", "kid", "kids", "baby", "human", "humans", "figure", "pedestrian",
         "pedestrians", "someone", "somebody", "everyone", "everybody", "gentleman", "player", "tourist", "tourists",
         "crowd", "passerby",
         "passersby", "bystander", "stranger", "photobomber", "couple", "body", "photobombers", "strangers"),
        ("人物", "男人", "女人", "男孩", "女孩", "男生", "女生", "小孩", "孩子", "行人", "路人", "人们", "老人", "婴儿",
         "宝宝", "美女", "帅哥", "游客", "男的", "女的", "人群", "那个人", "这个人", "人"),
        (("person",), ("people",), ("human",), ("man",), ("woman",), ("pedestrian",), ("body",), ("@person_parts",)),
    ),
    "hair": (
        ("hair", "hairs", "hairstyle", "hairdo", "haircut", "locks", "bangs", "fringe", "ponytail", "braid", "braids",
         "curls"),
        ("头发", "发型", "发色", "长发", "短发", "卷发", "直发", "秀发", "刘海", "辫子", "马尾", "发丝", "光头", "寸头",
         "平头", "黑长直", "大波浪", "丸子头", "发髻", "卷毛", "头毛", "莫西干头", "莫西干", "脏辫", "爆炸头", "锡纸烫",
         "羊毛卷", "波浪卷", "大背头", "齐刘海", "狼尾", "鲻鱼头", "油头"),
        (("hair",),),
    ),
    "face": (
        ("face", "faces", "facial"),
        ("人脸", "脸部", "面部", "脸蛋", "面孔", "五官", "脸庞", "脸"),
        (("face",), ("head",), ("skin",)),
    ),
    "head": (("head", "heads"), ("头部", "脑袋", "头"), (("head",), ("face",))),
    "eyes": (
        ("eyes", "eye", "iris", "irises", "pupils", "eyeballs"),
        ("眼睛", "眼珠", "瞳孔", "双眼", "眼"),
        (("eyes",), ("eye",), ("left_eye", "right_eye"), ("l_eye", "r_eye")),
    ),
    "eyebrows": (
        ("eyebrows", "eyebrow", "brows"),
        ("眉毛", "眉"),
        (("eyebrows",), ("eyebrow",), ("brows",), ("left_eyebrow", "right_eyebrow"), ("l_brow", "r_brow")),
    ),
    "lips": (
        ("lips", "lip", "mouth", "lipstick", "lip color", "lip colour"),
        ("嘴唇", "嘴巴", "口红", "唇", "嘴"),
        (("lips",), ("lip",), ("mouth",), ("upper_lip", "lower_lip"), ("u_lip", "l_lip")),
    ),
    "nose": (("nose",), ("鼻子", "鼻"), (("nose",),)),
    "ears": (("ears", "ear"), ("耳朵", "耳"), (("ears",), ("ear",), ("left_ear", "right_ear"), ("l_ear", "r_ear"))),
    "teeth": (("teeth", "tooth"), ("牙齿", "牙"), (("teeth",), ("mouth",), ("lips",))),
    "skin": (("skin", "complexion", "skin tone"), ("皮肤", "肤色", "肌肤"), (("skin",),)),
    "neck": (("neck",), ("脖子", "颈部"), (("neck",),)),
    "arms": (
        ("arms", "arm"),
        ("手臂", "胳膊", "臂"),
        (("arms",), ("arm",), ("left_arm", "right_arm")),
    ),
    "left arm": (("left arm",), ("左臂", "左手臂", "左胳膊"), (("left_arm",), ("arms",), ("arm",))),
    "right arm": (("right arm",), ("右臂", "右手臂", "右胳膊"), (("right_arm",), ("arms",), ("arm",))),
    "hands": (("hands", "hand", "fingers"), ("双手", "手指", "手"), (("hands",), ("hand",), ("left_hand", "right_hand"))),
    "legs": (("legs", "leg"), ("双腿", "腿部", "腿"), (("legs",), ("leg",), ("left_leg", "right_leg"))),
    "left leg": (("left leg",), ("左腿",), (("left_leg",), ("legs",))),
    "right leg": (("right leg",), ("右腿",), (("right_leg",), ("legs",))),
    "shoes": (
        ("shoes", "shoe", "sneakers", "boots", "footwear", "heels", "sandals"),
        ("鞋子", "运动鞋", "靴子", "高跟鞋", "鞋"),
        (("shoes",), ("shoe",), ("left_shoe", "right_shoe"), ("footwear",)),
    ),
    "clothes": (
        ("clothes", "clothing", "outfit", "garment", "garments", "attire", "apparel", "costume"),
        ("衣服", "服装", "衣着", "穿着", "衣裳", "着装"),
        _CLOTHES_ALTS,
    ),
    "upper_clothes": (
        ("shirt", "t-shirt", "tshirt", "t shirt", "tee", "top", "sweater", "hoodie", "blouse", "jumper", "cardigan",
         "vest", "tank top", "polo", "sweatshirt", "upper clothes", "upper_clothes"),
        ("上衣", "衬衫", "t恤", "T恤", "毛衣", "卫衣", "衬衣", "背心", "短袖", "长袖", "白t", "黑t", "t恤衫", "polo衫",
         "打底衫"),
        _UPPER_ALTS,
    ),
    "coat": (
        ("jacket", "coat", "blazer", "overcoat", "parka", "windbreaker", "suit"),
        ("外套", "夹克", "大衣", "西装", "皮衣", "风衣", "羽绒服"),
        (("coat",), ("jacket",)) + _UPPER_ALTS,
    ),
    "lower_clothes": (
        ("pants", "trousers", "jeans", "shorts", "leggings", "slacks", "bottoms", "lower clothes", "lower_clothes"),
        ("裤子", "牛仔裤", "短裤", "长裤", "裤"),
        (("lower_clothes",), ("lower-clothes",), ("pants",), ("trousers",), ("skirt",), ("clothes",), ("clothing",)),
    ),
    "skirt": (("skirt", "skirts"), ("短裙", "半身裙"), (("skirt",), ("lower_clothes",), ("dress",), ("clothes",))),
    "dress": (
        ("dress", "gown", "dresses"),
        ("连衣裙", "裙子", "礼服", "长裙", "婚纱", "裙"),
        (("dress",), ("skirt",), ("clothes",), ("upper_clothes",), ("clothing",)),
    ),
    "hat": (("hat", "cap", "beanie", "helmet", "hats"), ("帽子", "头盔", "帽"), (("hat",), ("cap",), ("helmet",))),
    "glasses": (
        ("glasses", "sunglasses", "spectacles", "eyeglasses", "shades", "goggles"),
        ("眼镜", "墨镜", "太阳镜"),
        (("sunglasses",), ("glasses",), ("eyeglasses",)),
    ),
    "scarf": (("scarf",), ("围巾",), (("scarf",),)),
    "tie": (("tie", "necktie"), ("领带",), (("tie",),)),
    "belt": (("belt",), ("腰带", "皮带"), (("belt",),)),
    "bag": (
        ("bag", "handbag", "backpack", "purse", "bags", "suitcase"),
        ("背包", "手提包", "包包", "书包", "行李箱", "包"),
        (("bag",), ("handbag",), ("backpack",), ("suitcase",)),
    ),
    "beard": (("beard", "mustache", "moustache", "stubble"), ("胡子", "胡须"), (("beard",), ("mustache",))),
    # scene
    "background": (
        ("background", "backdrop", "bg", "surroundings", "scenery", "back ground"),
        ("背景", "背景图", "周围环境", "环境", "周围", "背后", "身后", "背影"),
        (("background",),),
    ),
    "foreground": (("foreground",), ("前景",), (("foreground",),)),
    "sky": (("sky", "skies", "heavens"), ("天空", "天上", "天"), (("sky",),)),
    "clouds": (("clouds", "cloud"), ("云朵", "白云", "乌云", "云彩", "云"), (("clouds",), ("cloud",))),
    "sun": (("sun",), ("太阳",), (("sun",),)),
    "moon": (("moon",), ("月亮", "月"), (("moon",),)),
    "tree": (
        ("tree", "trees", "palm", "palm tree", "palms", "pine", "leaves", "leaf", "foliage"),
        ("树木", "大树", "树林", "树叶", "叶子", "松树", "棕榈树", "椰子树", "树"),
        (("tree",), ("trees",), ("palm",), ("plant",)),
    ),
    "plant": (
        ("plant", "plants", "potted plant", "houseplant", "bush", "bushes", "shrub", "shrubs", "hedge"),
        ("植物", "盆栽", "绿植", "灌木"),
        (("plant",), ("potted plant",), ("flora",), ("bush",)),
    ),
    "flower": (("flower", "flowers", "bouquet", "roses", "rose"), ("花朵", "鲜花", "花束", "玫瑰", "花"), (("flower",),)),
    "grass": (("grass", "lawn", "turf"), ("草地", "草坪", "草"), (("grass",), ("lawn",), ("field",), ("playingfield",))),
    "field": (("field", "meadow"), ("田野", "原野"), (("field",), ("grass",), ("land",), ("playingfield",))),
    "building": (
        ("building", "buildings", "skyscraper", "skyscrapers", "tower", "towers", "architecture"),
        ("大楼", "建筑物", "建筑", "楼房", "高楼", "大厦", "楼"),
        (("building",), ("house",), ("skyscraper",), ("tower",)),
    ),
    "house": (
        ("house", "houses", "home", "cabin", "hut", "cottage"),
        ("房子", "房屋", "小屋", "屋子", "别墅"),
        (("house",), ("building",), ("hovel",)),
    ),
    "road": (
        ("road", "roads", "street", "streets", "highway", "asphalt", "lane"),
        ("马路", "道路", "街道", "公路", "路面", "路"),
        (("road",), ("street",), ("path",), ("sidewalk",), ("pavement",), ("dirt track",)),
    ),
    "sidewalk": (("sidewalk", "pavement", "footpath"), ("人行道", "便道"), (("sidewalk",), ("pavement",), ("road",))),
    "path": (("path", "trail", "pathway"), ("小路", "小径"), (("path",), ("road",))),
    "water": (("water",), ("水面", "水"), (("water",), ("sea",), ("river",), ("lake",))),
    "sea": (("sea", "ocean", "waves"), ("大海", "海洋", "海面", "海浪", "海"), (("sea",), ("ocean",), ("water",))),
    "river": (("river", "stream", "creek"), ("河流", "小河", "河"), (("river",), ("water",))),
    "lake": (("lake", "pond"), ("湖面", "湖泊", "池塘", "湖"), (("lake",), ("water",))),
    "mountain": (("mountain", "mountains", "hill", "hills"), ("山脉", "高山", "山峰", "山"), (("mountain",), ("hill",))),
    "rock": (("rock", "rocks", "stone", "stones", "boulder"), ("石头", "岩石"), (("rock",), ("stone",))),
    "sand": (("sand",), ("沙子", "沙滩", "沙"), (("sand",), ("beach",))),
    "snow": (("snow",), ("积雪", "雪"), (("snow",),)),
    "ground": (
        ("ground", "earth", "soil", "dirt"),
        ("地面", "地上", "土地", "泥土"),
        (("ground",), ("earth",), ("land",), ("floor",), ("dirt",)),
    ),
    # indoor
    "floor": (("floor", "floors", "flooring"), ("地板", "地砖"), (("floor",), ("ground",))),
    "wall": (("wall", "walls", "wallpaper"), ("墙壁", "墙面", "墙纸", "壁纸", "墙"), (("wall",),)),
    "ceiling": (("ceiling",), ("天花板", "吊顶"), (("ceiling",),)),
    "window": (("window", "windows", "windowpane"), ("窗户", "窗子", "窗"), (("window",), ("windowpane",))),
    "door": (("door", "doors"), ("门",), (("door",),)),
    "table": (
        ("table", "tables", "desk", "dining table", "coffee table", "desk"),
        ("桌子", "餐桌", "书桌", "茶几", "桌"),
        (("table",), ("dining table",), ("desk",), ("coffee table",)),
    ),
    "chair": (("chair", "chairs", "stool", "armchair"), ("椅子", "凳子", "椅"), (("chair",), ("armchair",), ("seat",))),
    "sofa": (("sofa", "couch"), ("沙发",), (("sofa",), ("couch",))),
    "bed": (("bed",), ("床",), (("bed",),)),
    "lamp": (("lamp", "lamps", "light fixture"), ("台灯", "吊灯", "灯"), (("lamp",), ("light",), ("chandelier",))),
    "curtain": (("curtain", "curtains", "drapes"), ("窗帘",), (("curtain",),)),
    "rug": (("rug", "carpet", "mat"), ("地毯",), (("rug",), ("carpet",))),
    "pillow": (("pillow", "pillows", "cushion", "cushions"), ("枕头", "靠垫", "抱枕"), (("pillow",), ("cushion",))),
    "mirror": (("mirror",), ("镜子",), (("mirror",),)),
    "painting": (("painting", "poster", "artwork", "picture frame"), ("挂画", "海报", "画框"), (("painting",), ("poster",))),
    "shelf": (("shelf", "shelves", "bookshelf", "bookcase"), ("书架", "架子"), (("shelf",), ("bookcase",))),
    "cabinet": (("cabinet", "cupboard", "wardrobe", "closet"), ("柜子", "衣柜", "橱柜"), (("cabinet",), ("wardrobe",))),
    "tv": (("tv", "television", "monitor", "screen"), ("电视", "显示器", "屏幕"), (("tv",), ("television receiver",),
                                                                            ("monitor",), ("screen",))),
    "laptop": (("laptop", "computer", "notebook computer"), ("笔记本电脑", "电脑"), (("laptop",), ("computer",))),
    "phone": (("phone", "cell phone", "cellphone", "smartphone", "mobile"), ("手机", "电话"), (("cell phone",), ("phone",))),
    "cup": (("cup", "mug", "cups", "mugs", "glass"), ("杯子", "茶杯", "水杯", "咖啡杯", "马克杯", "杯"),
            (("cup",), ("mug",), ("wine glass",), ("glass",))),
    "bottle": (("bottle", "bottles"), ("瓶子", "瓶"), (("bottle",),)),
    "vase": (("vase",), ("花瓶",), (("vase",),)),
    "book": (("book", "books"), ("书本", "书"), (("book",),)),
    "clock": (("clock",), ("时钟", "钟表", "钟"), (("clock",),)),
    "plate": (("plate", "dish", "bowl"), ("盘子", "碗"), (("plate",), ("bowl",))),
    "food": (("food", "meal", "dish of food"), ("食物", "食品", "菜"), (("food",),)),
    "umbrella": (("umbrella",), ("雨伞", "伞"), (("umbrella",),)),
    "sign": (("sign", "signboard", "billboard"), ("招牌", "牌子", "广告牌", "标志"), (("signboard",), ("sign",), ("billboard",))),
    "fence": (("fence", "railing", "fences"), ("栅栏", "篱笆", "围栏", "护栏"), (("fence",), ("railing",))),
    "bench": (("bench",), ("长椅", "长凳"), (("bench",),)),
    "pole": (("pole", "lamppost", "streetlight", "street light"), ("电线杆", "路灯", "杆子"),
             (("pole",), ("streetlight",))),
    "bridge": (("bridge",), ("桥",), (("bridge",),)),
    "stairs": (("stairs", "staircase", "stairway"), ("楼梯", "台阶"), (("stairs",), ("stairway",), ("step",))),
    "refrigerator": (("refrigerator", "fridge", "freezer"), ("冰箱",), (("refrigerator",), ("fridge",))),
    "microwave": (("microwave",), ("微波炉",), (("microwave",),)),
    "stove": (("stove", "oven", "cooker", "range"), ("灶台", "炉子", "烤箱", "炉灶"), (("stove",), ("oven",))),
    "sink": (("sink", "basin"), ("水槽", "水池", "洗手池"), (("sink",),)),
    "countertop": (("countertop", "counter", "worktop", "kitchen island"), ("台面", "柜台", "操作台"),
                   (("countertop",), ("counter",), ("kitchen island",))),
    "toilet": (("toilet",), ("马桶",), (("toilet",),)),
    "bathtub": (("bathtub", "tub", "bath"), ("浴缸",), (("bathtub",),)),
    # vehicles
    "car": (
        ("car", "cars", "sedan", "suv", "taxi", "jeep", "automobile"),
        ("汽车", "轿车", "小车", "车辆", "车子", "出租车", "车"),
        (("car",), ("cars",), ("automobile",), ("vehicle",)),
    ),
    "vehicle": (("vehicle", "vehicles"), ("交通工具",), (("car",), ("truck",), ("bus",), ("van",))),
    "truck": (("truck", "lorry", "pickup"), ("卡车", "货车"), (("truck",),)),
    "bus": (("bus",), ("公交车", "巴士", "大巴"), (("bus",),)),
    "van": (("van",), ("面包车",), (("van",),)),
    "bicycle": (("bicycle", "bike", "bikes", "cycle"), ("自行车", "单车"), (("bicycle",), ("bike",))),
    "motorcycle": (("motorcycle", "motorbike", "scooter"), ("摩托车", "摩托", "电动车"), (("motorcycle",), ("minibike",))),
    "boat": (("boat", "boats", "ship", "ships", "yacht", "canoe"), ("小船", "轮船", "船"), (("boat",), ("ship",))),
    "airplane": (("airplane", "plane", "aeroplane", "jet", "aircraft"), ("飞机",), (("airplane",), ("plane",))),
    "train": (("train",), ("火车", "列车", "地铁"), (("train",),)),
    # animals
    "animal": (("animal", "animals", "pet", "pets"), ("动物", "宠物"),
               (("animal",), ("dog",), ("cat",), ("horse",), ("bird",), ("cow",), ("sheep",))),
    "dog": (("dog", "dogs", "puppy", "puppies", "doggy"), ("小狗", "狗狗", "狗"), (("dog",),)),
    "cat": (("cat", "cats", "kitten", "kittens", "kitty"), ("小猫", "猫咪", "猫"), (("cat",),)),
    "horse": (("horse", "horses", "pony"), ("马匹", "小马", "马"), (("horse",),)),
    "bird": (("bird", "birds", "pigeon", "seagull"), ("小鸟", "鸟儿", "鸽子", "鸟"), (("bird",),)),
    "cow": (("cow", "cows", "cattle", "bull"), ("奶牛", "牛"), (("cow",),)),
    "sheep": (("sheep", "lamb", "goat"), ("绵羊", "羊"), (("sheep",),)),
    "elephant": (("elephant",), ("大象",), (("elephant",),)),
    "bear": (("bear", "teddy bear"), ("熊",), (("bear",), ("teddy bear",))),
    "zebra": (("zebra",), ("斑马",), (("zebra",),)),
    "giraffe": (("giraffe",), ("长颈鹿",), (("giraffe",),)),
    "fish": (("fish",), ("鱼",), (("fish",),)),
    "butterfly": (("butterfly",), ("蝴蝶",), (("butterfly",),)),
    # other COCO things, mostly matched literally; listed so that a missing one asks back
    "kite": (("kite",), ("风筝",), (("kite",),)),
    "ball": (("ball", "football", "soccer ball", "basketball"), ("足球", "篮球", "球"), (("sports ball",), ("ball",))),
    "cake": (("cake",), ("蛋糕",), (("cake",),)),
    "pizza": (("pizza",), ("披萨",), (("pizza",),)),
    "banana": (("banana", "bananas"), ("香蕉",), (("banana",),)),
    "apple": (("apple", "apples"), ("苹果",), (("apple",),)),
    "toy": (("toy", "toys", "plaything"), ("玩具",), (("toy",), ("plaything",))),
    "box": (("box", "boxes", "package"), ("箱子", "盒子"), (("box",),)),
    "trash can": (("trash can", "bin", "garbage can", "trash"), ("垃圾桶", "垃圾"), (("ashcan",), ("trash can",), ("bin",))),
    "wire": (("wire", "wires", "cable", "cables", "power lines"), ("电线",), (("wire",), ("cable",))),
    "logo": (("logo", "watermark", "text", "caption", "writing", "words"), ("水印", "文字", "字", "标志图"),
             (("logo",), ("text",), ("watermark",))),
    "reflection": (("reflection", "glare"), ("倒影", "反光"), (("reflection",),)),
    "tattoo": (("tattoo", "tattoos"), ("纹身",), (("tattoo",),)),
    "license plate": (("license plate", "licence plate", "number plate", "plate number", "registration plate"),
                      ("车牌号", "车牌"), (("license plate",), ("plate",))),
    # more COCO and ADE20K classes, under their label names
    "traffic light": (("traffic light", "traffic lights", "stoplight", "stop light", "traffic signal"),
                      ("红绿灯", "交通灯", "信号灯", "红路灯"), (("traffic light",),)),
    "fire hydrant": (("fire hydrant", "hydrant"), ("消防栓",), (("fire hydrant",),)),
    "stop sign": (("stop sign",), ("停车标志", "停止标志", "停车牌", "停车标识", "停止牌"), (("stop sign",),)),
    "parking meter": (("parking meter",), ("停车计时器", "咪表", "停车收费器"), (("parking meter",),)),
    "wine glass": (("wine glass", "wineglass", "wine glasses"), ("酒杯", "红酒杯", "高脚杯", "葡萄酒杯"),
                   (("wine glass",), ("cup",), ("glass",))),
    "frisbee": (("frisbee", "flying disc"), ("飞盘",), (("frisbee",),)),
    "skis": (("skis", "ski"), ("滑雪板", "雪板", "滑雪橇"), (("skis",), ("snowboard",))),
    "snowboard": (("snowboard",), ("单板",), (("snowboard",), ("skis",))),
    "skateboard": (("skateboard",), ("滑板",), (("skateboard",),)),
    "surfboard": (("surfboard",), ("冲浪板",), (("surfboard",),)),
    "tennis racket": (("tennis racket", "racket", "racquet"), ("网球拍", "球拍"), (("tennis racket",),)),
    "baseball bat": (("baseball bat",), ("棒球棒", "球棒"), (("baseball bat",),)),
    "baseball glove": (("baseball glove", "mitt"), ("棒球手套",), (("baseball glove",),)),
    "fork": (("fork", "forks"), ("叉子",), (("fork",),)),
    "knife": (("knife", "knives"), ("刀子", "小刀", "餐刀", "刀"), (("knife",),)),
    "spoon": (("spoon", "spoons"), ("勺子", "汤匙", "调羹"), (("spoon",),)),
    "sandwich": (("sandwich",), ("三明治",), (("sandwich",),)),
    "orange": (("oranges",), ("橙子", "橘子", "桔子"), (("orange",),)),
    "broccoli": (("broccoli",), ("西兰花", "西蓝花"), (("broccoli",),)),
    "carrot": (("carrot", "carrots"), ("胡萝卜",), (("carrot",),)),
    "hot dog": (("hot dog", "hotdog"), ("热狗",), (("hot dog",),)),
    "donut": (("donut", "doughnut", "donuts"), ("甜甜圈",), (("donut",),)),
    "keyboard": (("keyboard",), ("键盘",), (("keyboard",),)),
    "mouse": (("computer mouse",), ("鼠标",), (("mouse",),)),
    "remote": (("remote", "remote control", "controller"), ("遥控器", "遥控"), (("remote",),)),
    "toaster": (("toaster",), ("烤面包机", "吐司机", "多士炉"), (("toaster",),)),
    "scissors": (("scissors",), ("剪刀",), (("scissors",),)),
    "teddy bear": (("teddy bear", "teddy", "stuffed animal", "plush toy"), ("泰迪熊", "玩具熊", "毛绒熊", "毛绒玩具"),
                   (("teddy bear",), ("toy",))),
    "hair drier": (("hair drier", "hair dryer", "hairdryer", "blow dryer"), ("吹风机", "电吹风"), (("hair drier",),)),
    "toothbrush": (("toothbrush",), ("牙刷",), (("toothbrush",),)),
    "column": (("column", "columns", "pillar", "pillars"), ("柱子", "立柱", "石柱"), (("column",), ("pillar",))),
    "fireplace": (("fireplace",), ("壁炉",), (("fireplace",),)),
    "chest of drawers": (("chest of drawers", "dresser", "drawers"), ("抽屉柜", "五斗柜", "斗柜"),
                         (("chest of drawers",), ("cabinet",))),
    "towel": (("towel", "towels"), ("毛巾", "浴巾"), (("towel",),)),
    "blanket": (("blanket", "duvet", "quilt", "comforter"), ("毯子", "被子", "毛毯"), (("blanket",), ("bed",))),
    "basket": (("basket", "baskets"), ("篮子", "筐"), (("basket",),)),
    "barrel": (("barrel", "barrels"), ("木桶",), (("barrel",),)),
    "tent": (("tent", "tents"), ("帐篷",), (("tent",),)),
    "fountain": (("fountain",), ("喷泉",), (("fountain",),)),
    "waterfall": (("waterfall",), ("瀑布",), (("waterfall",), ("water",), ("river",))),
    "swimming pool": (("swimming pool", "pool"), ("游泳池", "泳池"), (("swimming pool",), ("pool",), ("water",))),
    "sculpture": (("sculpture", "statue", "statues"), ("雕塑", "雕像"), (("sculpture",), ("statue",))),
    "flag": (("flag", "flags"), ("旗子", "旗帜", "国旗"), (("flag",),)),
    "escalator": (("escalator",), ("扶梯", "自动扶梯"), (("escalator",),)),
    "chandelier": (("chandelier",), ("吊灯", "水晶灯"), (("chandelier",), ("lamp",), ("light",))),
    "awning": (("awning", "canopy", "sunshade"), ("遮阳篷", "雨棚", "遮雨棚", "天篷"), (("awning",), ("canopy",))),
    "pier": (("pier", "dock", "jetty"), ("码头", "栈桥"), (("pier",),)),
    "tray": (("tray",), ("托盘",), (("tray",),)),
    "radiator": (("radiator",), ("暖气片", "暖气"), (("radiator",),)),
    "washer": (("washing machine",), ("洗衣机",), (("washer",),)),
    "dishwasher": (("dishwasher",), ("洗碗机",), (("dishwasher",),)),
    "bulletin board": (("bulletin board", "notice board"), ("公告栏", "布告栏"), (("bulletin board",),)),
    "roof": (("roof", "roofs", "rooftop"), ("屋顶", "房顶"), (("roof",),)),
    "railroad": (("railroad", "railway", "rail tracks", "train tracks"), ("铁轨", "铁路", "轨道"), (("railroad",),)),
    "gravel": (("gravel",), ("碎石", "砾石"), (("gravel",),)),
    "banner": (("banner",), ("横幅", "条幅"), (("banner",),)),
    "stage": (("stage",), ("舞台",), (("stage",),)),
    "runway": (("runway",), ("跑道",), (("runway",),)),
    "grandstand": (("grandstand", "bleachers"), ("看台",), (("grandstand",),)),
    "cradle": (("cradle",), ("摇篮",), (("cradle",),)),
    "ottoman": (("ottoman", "footstool"), ("脚凳",), (("ottoman",),)),
    "fan": (("ceiling fan", "electric fan"), ("风扇", "电扇", "电风扇"), (("fan",),)),
    "sconce": (("sconce", "wall lamp"), ("壁灯",), (("sconce",), ("lamp",))),
    "shower": (("shower",), ("淋浴", "花洒"), (("shower",),)),
    "cardboard": (("cardboard",), ("纸板", "纸箱"), (("cardboard",),)),
    "platform": (("platform",), ("站台", "月台"), (("platform",),)),
}

# Labels that belong to a person (for "him"/"her" when there is no `person` label).
PERSON_PART_LABELS = {
    "hair", "face", "skin", "eyes", "lips", "clothes", "upper_clothes", "lower_clothes", "dress", "coat", "pants",
    "skirt", "hat", "neck", "arms", "legs", "left_arm", "right_arm", "left_leg", "right_leg", "shoes", "left_shoe",
    "right_shoe", "sunglasses", "glasses", "scarf", "gloves", "glove", "socks", "jumpsuits", "belt", "head", "body",
    "nose", "ears", "mouth", "eyebrows", "hands", "upper-clothes", "lower-clothes", "clothing", "apparel",
}

# Where new content goes when the request names no place ("add a hat" -> hair); concept alternatives.
PLACEMENT: dict[str, tuple[str, ...]] = {
    "hat": ("hat", "hair", "head", "face"),
    "cap": ("hat", "hair", "head", "face"),
    "crown": ("hair", "head", "hat"),
    "glasses": ("glasses", "eyes", "face"),
    "sunglasses": ("glasses", "eyes", "face"),
    "beard": ("face",),
    "mustache": ("face",),
    "moustache": ("face",),
    "makeup": ("face",),
    "smile": ("face", "lips"),
    "earrings": ("ears", "face"),
    "lipstick": ("lips", "face"),
    "necklace": ("neck", "skin", "upper_clothes"),
    "scarf": ("neck", "skin", "clothes", "upper_clothes"),
    "tattoo": ("skin", "arms"),
    "freckles": ("face", "skin"),
    "jacket": ("coat", "upper_clothes", "clothes"),
    "shirt": ("upper_clothes", "clothes"),
    "clothes": ("clothes",),
    "dress": ("dress", "clothes"),
    "pants": ("lower_clothes", "clothes"),
    "shoes": ("shoes",),
    "moon": ("sky", "background"),
    "sun": ("sky", "background"),
    "stars": ("sky", "background"),
    "clouds": ("sky", "background"),
    "rainbow": ("sky", "background"),
    "bird": ("sky", "tree", "background"),
    "airplane": ("sky", "background"),
    "balloon": ("sky", "background"),
    "kite": ("sky", "background"),
    "fireworks": ("sky", "background"),
    "aurora": ("sky", "background"),
    "lightning": ("sky", "background"),
    "boat": ("sea", "water", "background"),
    "fish": ("water", "sea"),
    "swan": ("water", "lake"),
    "car": ("road", "ground", "background"),
    "dog": ("grass", "ground", "floor", "road", "background"),
    "cat": ("floor", "sofa", "grass", "ground", "background"),
    "horse": ("grass", "field", "ground", "background"),
    "flower": ("grass", "ground", "field", "background"),
    "painting": ("wall",),
    "clock": ("wall",),
    "rug": ("floor",),
    "vase": ("table",),
    "cup": ("table",),
    "snow": ("ground", "grass", "road", "background"),
    "face": ("face", "head", "person"),
    "skin": ("skin", "face"),
    "hair": ("hair", "head", "person"),
}

# English words for new content (also Chinese, translated) -> placement key above.
CONTENT_WORDS: dict[str, str] = {
    "hat": "hat", "cap": "cap", "beanie": "hat", "crown": "crown", "tiara": "crown", "helmet": "hat",
    "glasses": "glasses", "sunglasses": "sunglasses", "spectacles": "glasses", "shades": "sunglasses",
    "beard": "beard", "mustache": "mustache", "moustache": "moustache", "goatee": "beard",
    "makeup": "makeup", "make-up": "makeup", "smile": "smile", "smiling": "smile", "earrings": "earrings",
    "lipstick": "lipstick", "necklace": "necklace", "scarf": "scarf", "tie": "scarf", "bow tie": "scarf", "tattoo": "tattoo", "freckles": "freckles",
    "jacket": "jacket", "coat": "jacket", "blazer": "jacket", "suit": "jacket", "hoodie": "shirt", "sweater": "shirt",
    "shirt": "shirt", "t-shirt": "shirt", "tshirt": "shirt", "top": "shirt", "blouse": "shirt", "vest": "shirt",
    "dress": "dress", "gown": "dress", "outfit": "clothes", "clothes": "clothes", "uniform": "clothes",
    "tuxedo": "jacket", "costume": "clothes", "kimono": "dress", "hanfu": "dress", "qipao": "dress",
    "swimsuit": "clothes", "bikini": "clothes", "wedding dress": "dress", "armor": "clothes", "armour": "clothes",
    "pajamas": "clothes", "robe": "clothes", "tan": "skin", "suntan": "skin", "sunburn": "skin",
    "pants": "pants", "jeans": "pants", "trousers": "pants", "shorts": "pants", "skirt": "pants",
    "shoes": "shoes", "boots": "shoes", "sneakers": "shoes",
    "moon": "moon", "sun": "sun", "stars": "stars", "star": "stars", "clouds": "clouds", "cloud": "clouds",
    "rainbow": "rainbow", "bird": "bird", "birds": "bird", "airplane": "airplane", "plane": "airplane",
    "balloon": "balloon", "balloons": "balloon", "kite": "kite", "fireworks": "fireworks", "aurora": "aurora",
    "northern lights": "aurora", "lightning": "lightning", "boat": "boat", "ship": "boat", "sailboat": "boat",
    "fish": "fish", "swan": "swan", "ducks": "swan", "duck": "swan", "car": "car", "dog": "dog", "puppy": "dog",
    "cat": "cat", "kitten": "cat", "horse": "horse", "flowers": "flower", "flower": "flower",
    "painting": "painting", "poster": "painting", "picture frame": "painting", "clock": "clock", "rug": "rug",
    "carpet": "rug", "vase": "vase", "cup": "cup", "snow": "snow",
    "older": "face", "younger": "face", "old": "face", "young": "face", "wrinkles": "face", "happy": "face",
    "happier": "face", "sadder": "face", "angrier": "face", "cheerful": "face", "grin": "face", "frown": "face",
    "crying": "face", "scared": "face", "shocked": "face", "serious": "face", "tired": "face",
    "bow": "crown", "hair clip": "crown", "headband": "crown", "veil": "crown", "halo": "crown", "bunny ears": "crown",
    "cat ears": "crown", "horns": "crown", "flower crown": "crown", "headphones": "crown", "mask": "makeup",
    "face mask": "makeup", "face paint": "makeup",
    "sad": "face", "angry": "face", "surprised": "face", "expression": "face", "laughing": "face", "wink": "face",
    "bald": "hair", "curly": "hair", "curls": "hair", "ponytail": "hair", "bun": "hair", "braids": "hair",
    "bangs": "hair", "haircut": "hair", "hairstyle": "hair", "mohawk": "hair", "afro": "hair",
}

# --- whole image, pronouns, positions -------------------------------------------------------------
WHOLE_EN = (
    "image", "picture", "photo", "photograph", "pic", "shot", "everything", "whole thing", "entire thing",
    "whole image", "entire image", "whole picture", "entire picture", "whole photo", "entire photo", "overall",
    "scene", "frame", "all of it", "the lot", "room", "landscape", "view", "interior", "whole room", "whole scene",
    "setting", "atmosphere", "mood", "colors", "colours", "tones", "lighting", "kitchen", "bedroom", "bathroom",
    "living room", "office", "street scene", "cityscape", "seascape",
)
WHOLE_ZH = ("整张图片", "整张图", "整张照片", "整幅画", "整体", "画面", "全图", "整张", "图片", "照片", "相片", "这张图",
            "整个", "全部", "房间", "厨房", "卧室", "客厅", "图")
PRONOUN_IT_EN = ("it", "this", "that")
PRONOUN_PERSON_EN = ("him", "her", "them", "he", "she", "they", "himself", "herself")
PRONOUN_PERSON_ZH = ("他们", "她们", "他", "她")
PRONOUN_IT_ZH = ("它",)

# Head words after "the" that are not things in the picture (no clarify for them).
NON_THING_EN = {
    "image", "picture", "photo", "photograph", "pic", "shot", "scene", "frame", "whole", "entire", "overall", "rest",
    "lighting", "light", "lights", "tone", "tones", "color", "colors", "colour", "colours", "contrast", "brightness",
    "saturation", "exposure", "shadows", "highlights", "mood", "atmosphere", "vibe", "look", "style", "details",
    "detail", "quality", "resolution", "focus", "temperature", "warmth", "sharpness", "white", "balance", "left",
    "right", "top", "bottom", "middle", "center", "centre", "corner", "corners", "side", "sides", "edge", "edges",
    "area", "areas", "part", "parts", "region", "last", "previous", "first", "second", "third", "other", "same",
    "one", "ones", "thing", "things", "stuff", "effect", "filter", "change", "changes", "edit", "edits", "step",
    "steps", "way", "version", "original", "current", "new", "old", "big", "small", "little", "large", "main",
    "all", "every", "each", "both", "more", "less", "blur", "noise", "grain", "vignette", "hue",
    "tint", "shade", "gamma", "levels", "curves", "vibrance", "clarity", "texture", "pattern", "material",
}
VAGUE_EN = {"thing", "things", "stuff", "one", "ones", "object", "objects", "item", "items", "something"}

ORDINALS_EN: dict[str, int] = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4, "5th": 4,
    "sixth": 5, "6th": 5, "seventh": 6, "7th": 6, "eighth": 7, "8th": 7,
}
NUMBERS_EN: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3, "several": 3, "twice": 2, "thrice": 3,
}
NUMBERS_ZH: dict[str, int] = {
    "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "俩": 2,
    "几": 3,
}

# --- styles (restyle) ----------------------------------------------------------------------------
# key -> (English triggers, Chinese triggers, prompt)
STYLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "van gogh": (("van gogh", "vangogh", "van-gogh", "the starry night"), ("梵高", "梵·高"),
                 "painting in the style of Van Gogh, swirling impasto brushstrokes, post-impressionism"),
    "monet": (("monet", "impressionist", "impressionism"), ("莫奈", "印象派"),
              "impressionist painting in the style of Monet, soft light, visible brushstrokes"),
    "picasso": (("picasso", "cubist", "cubism"), ("毕加索", "立体主义", "立体派"),
                "cubist painting in the style of Picasso, geometric shapes"),
    "ghibli": (("ghibli", "miyazaki"), ("吉卜力", "宫崎骏"),
               "Studio Ghibli anime style, hand-painted backgrounds, soft colors"),
    "anime": (("anime", "manga", "japanese animation", "cel shading", "cel-shaded", "animefy", "anime-fy", "animeify"),
              ("二次元", "动漫", "日漫", "动画风", "番剧"), "anime style illustration, cel shading, clean line art"),
    "oil painting": (("oil painting", "oil paint", "oil-painting", "oils"), ("油画",),
                     "oil painting, thick brushstrokes, canvas texture"),
    "watercolor": (("watercolor", "watercolour", "water color", "water colour", "aquarelle"), ("水彩",),
                   "watercolor painting, soft washes, paper texture"),
    "sketch": (("pencil sketch", "pencil drawing", "sketch", "charcoal", "line art", "line drawing", "drawing"),
               ("素描", "铅笔画", "线稿", "速写", "手绘", "炭笔"), "pencil sketch, graphite drawing, hatching"),
    "ukiyo-e": (("ukiyo-e", "ukiyo e", "ukiyoe", "woodblock", "hokusai"), ("浮世绘", "葛饰北斋", "木刻版画"),
                "ukiyo-e Japanese woodblock print, flat colors, bold outlines"),
    "cyberpunk": (("cyberpunk", "cyber punk", "cyber-punk", "neon city"), ("赛博朋克", "赛博"),
                  "cyberpunk style, neon lights, futuristic, night city glow"),
    "steampunk": (("steampunk", "steam punk"), ("蒸汽朋克",), "steampunk style, brass and gears, victorian"),
    "pixar": (("pixar", "disney", "3d cartoon", "3d animation", "3d animated", "dreamworks"),
              ("皮克斯", "迪士尼", "3d动画", "3D动画", "三维动画"), "Pixar style 3D animated render, soft lighting"),
    "clay": (("claymation", "clay", "plasticine", "stop motion"), ("黏土", "粘土", "橡皮泥"),
             "claymation style, plasticine figures, stop motion look"),
    "cartoon": (("cartoon", "comic book", "comic", "pop art", "toon", "cartoonify", "cartoonize", "cartoonise",
                 "toonify"), ("卡通", "漫画", "波普", "连环画"),
                "cartoon style illustration, bold outlines, flat colors"),
    "chinese ink": (("chinese ink", "ink wash", "ink painting", "sumi-e", "sumie", "traditional chinese painting",
                     "shan shui", "brush painting"), ("水墨", "国画", "中国画", "山水画", "墨画"),
                    "traditional Chinese ink wash painting, sumi-e, rice paper"),
    "pixel art": (("pixel art", "pixel-art", "8-bit", "8 bit", "16-bit", "16 bit", "retro game"),
                  ("像素风", "像素画", "像素艺术", "像素游戏"), "pixel art, 8-bit retro game style"),
    "lego": (("lego",), ("乐高",), "made of LEGO bricks"),
    "vaporwave": (("vaporwave", "synthwave", "retrowave", "outrun"), ("蒸汽波",),
                  "vaporwave aesthetic, pink and teal neon, retro 80s"),
    "low poly": (("low poly", "low-poly", "lowpoly", "polygonal"), ("低多边形", "低面"), "low poly 3D art"),
    "stained glass": (("stained glass",), ("彩绘玻璃", "彩色玻璃"), "stained glass window art"),
    "renaissance": (("renaissance", "baroque", "rembrandt", "da vinci", "classical painting", "old master"),
                    ("文艺复兴", "巴洛克", "伦勃朗", "达芬奇", "古典油画"),
                    "Renaissance oil painting, chiaroscuro, old master style"),
    "surreal": (("surreal", "surrealism", "surrealist", "dali"), ("超现实", "达利"), "surrealist painting, dreamlike"),
    "pop art": (("warhol", "andy warhol", "lichtenstein"), ("安迪·沃霍尔", "沃霍尔"), "pop art, halftone dots, bold colors"),
    "realistic": (("photorealistic", "realistic photo", "real photo", "photorealism", "hyperrealistic", "realistic"),
                  ("写实", "真实照片", "照片级", "真实感"), "photorealistic photo, natural lighting, high detail"),
    "fantasy": (("fantasy", "fairy tale", "fairytale", "magical"), ("奇幻", "魔幻", "童话"),
                "fantasy art, magical atmosphere, ethereal light"),
    "film noir": (("film noir", "noir"), ("黑色电影",), "film noir, dramatic shadows, moody"),
    "impasto": (("impasto",), ("厚涂",), "impasto painting, thick textured paint"),
    "graffiti": (("graffiti", "street art"), ("涂鸦",), "graffiti street art, spray paint"),
    "mosaic art": (("tile mosaic", "mosaic art"), ("马赛克艺术",), "tile mosaic artwork"),
    "minecraft": (("minecraft", "voxel"), ("我的世界",), "voxel art, blocky Minecraft style"),
    "gothic": (("gothic",), ("哥特",), "gothic style, dark, ornate"),
    "vintage": (("vintage", "retro", "old-fashioned", "old fashioned", "old photo", "1970s", "70s", "1980s", "80s",
                 "1950s", "50s", "polaroid", "nostalgic"), ("复古", "老照片", "怀旧", "年代感", "胶片感", "港风"),
                "vintage photo, retro film look, faded colors, film grain"),
    "chibi": (("chibi",), ("q版", "Q版"), "chibi style, cute big head"),
    "cinematic": (("cinematic", "movie still", "film still", "hollywood", "blockbuster"),
                  ("电影感", "电影质感", "电影风", "大片感", "大片", "电影海报"),
                  "cinematic film still, dramatic lighting, teal and orange color grading"),
    "dreamy": (("dreamy", "ethereal", "dreamlike"), ("梦幻", "唯美", "仙气"),
               "dreamy ethereal atmosphere, soft glow, pastel haze"),
    "japanese fresh": (("japanese style photo", "airy", "light and airy"), ("日系", "小清新", "清新", "森系"),
                       "japanese style photo, soft airy light, pastel tones, fresh and clean"),
}

# Whole-scene changes ("make it winter"): restyle when the whole picture is meant.
SCENES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "winter": (("winter", "snowy", "wintry", "snow-covered", "snowing", "snow"), ("冬天", "冬季", "雪景", "下雪", "雪天"),
               "winter scene, snow covered, cold light"),
    "autumn": (("autumn", "fall colors", "fall foliage", "fall season"), ("秋天", "秋季", "秋景"),
               "autumn scene, orange and red foliage, warm light"),
    "spring": (("spring", "springtime"), ("春天", "春季", "春景"), "spring scene, fresh green leaves, blossoms"),
    "summer": (("summer", "summertime"), ("夏天", "夏季"), "summer scene, bright sunshine, lush"),
    "night": (("night", "nighttime", "night time", "at night", "midnight"), ("夜晚", "晚上", "夜景", "黑夜", "夜间", "夜里"),
              "night scene, dark sky, moonlight, city lights"),
    "sunset": (("sunset", "golden hour", "dusk", "twilight", "sundown"), ("日落", "黄昏", "夕阳", "傍晚", "晚霞"),
               "sunset, golden hour light, warm orange sky"),
    "sunrise": (("sunrise", "dawn", "morning"), ("日出", "清晨", "早晨", "黎明"), "sunrise, soft morning light"),
    "day": (("daytime", "day time", "daylight", "day"), ("白天", "白昼"), "bright daytime, clear daylight"),
    "rain": (("rainy", "raining", "rain", "stormy", "storm"), ("下雨", "雨天", "暴雨", "雨景"),
             "rainy weather, wet reflections, overcast"),
    "fog": (("foggy", "misty", "fog", "mist", "hazy"), ("雾天", "起雾", "大雾", "雾"), "foggy atmosphere, soft mist"),
    "underwater": (("underwater", "under water", "under the sea"), ("水下", "海底"), "underwater scene, caustic light"),
    "space": (("outer space", "in space", "space"), ("太空", "外太空", "宇宙"), "outer space, stars, nebula"),
    "post-apocalyptic": (("post-apocalyptic", "post apocalyptic", "apocalyptic", "ruined", "abandoned"),
                         ("末日", "废土", "废墟"), "post-apocalyptic ruins, overgrown, desolate"),
}

# Generic art words: "turn it into a painting" -> restyle.
ART_WORDS_EN = ("painting", "drawing", "illustration", "artwork", "art", "render", "rendering", "poster", "portrait",
                "movie", "film", "cartoon", "comic", "animation", "sculpture", "statue", "mosaic", "etching", "print")
ART_WORDS_ZH = ("风格", "画风", "风", "画", "艺术", "插画", "效果", "质感", "动画", "样子", "那样", "这样", "模样", "感觉",
                "版本", "照片")

# --- quick filters (adjust.stylize) -----------------------------------------------------------------
# choice -> (English triggers, Chinese triggers) that always mean the CPU filter.
FILTERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sepia": (("sepia", "sepia tone", "sepia-toned", "old photo filter", "old photo effect", "antique filter"),
              ("棕褐色", "怀旧滤镜", "老照片滤镜", "老照片效果", "怀旧效果", "泛黄", "褐色调")),
    "vintage": (("vintage filter", "retro filter", "vintage effect", "retro effect", "instagram filter", "film filter",
                 "lomo"), ("复古滤镜", "复古效果", "胶片滤镜", "胶片效果", "lomo")),
    "posterize": (("posterize", "posterise", "posterized", "posterization", "posterisation"), ("色调分离", "海报化")),
    "emboss": (("emboss", "embossed", "embossing"), ("浮雕",)),
    "pencil": (("pencil filter", "sketch filter", "pencil effect", "sketch effect"), ("素描滤镜", "铅笔滤镜", "素描效果")),
    "cartoon": (("cartoon filter", "cartoon effect", "toon filter", "comic filter"), ("卡通滤镜", "卡通效果", "漫画滤镜")),
    "watercolor": (("watercolor filter", "watercolour filter", "watercolor effect", "watercolour effect"),
                   ("水彩滤镜", "水彩效果")),
}
# A style named together with "filter"/"滤镜" means the quick CPU filter.
STYLE_FILTER = {"sketch": "pencil", "cartoon": "cartoon", "watercolor": "watercolor", "vintage": "vintage",
                "anime": "cartoon"}
FILTER_WORDS_EN = ("filter", "filters", "instagram")
FILTER_WORDS_ZH = ("滤镜",)

# --- adjust parameters ------------------------------------------------------------------------------
# param -> (positive phrases, negative phrases, neutral names whose sign comes from direction words)
ADJUST_EN: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "brightness": (
        ("brighter", "brighten", "brighten up", "lighten", "lighten up", "lighter", "more light", "more exposure",
         "overexpose", "overexposed", "too dark", "not bright enough", "less dark", "more bright", "brighter please",
         "lift the shadows", "illuminate", "light it up", "bright", "whiten", "whiter teeth", "whitening", "lights on",
         "turn on the lights", "switch on the lights", "turn the lights on"),
        ("darker", "darken", "dim", "dimmer", "dimmed", "less bright", "less light", "too bright", "too light",
         "underexpose", "underexposed", "less exposure", "too washed", "more dark", "dark", "moodier", "gloomier",
         "lights off", "turn off the lights", "switch off the lights", "turn the lights off"),
        ("brightness", "exposure", "lightness", "luminosity"),
    ),
    "contrast": (
        ("more contrast", "higher contrast", "high contrast", "punchier", "punchy", "more punch", "contrastier",
         "less flat",
         "more contrasty", "contrasty", "too flat", "more depth"),
        ("less contrast", "lower contrast", "low contrast", "flatter", "flat look", "softer contrast", "too contrasty",
         "too much contrast", "reduce contrast"),
        ("contrast",),
    ),
    "saturation": (
        ("more saturated", "saturate", "saturated", "more vivid", "vivid", "vibrant", "more vibrant", "more colorful",
         "more colourful", "colorful", "colourful", "pop", "richer colors", "richer colours", "more color",
         "more colour", "stronger colors", "stronger colours", "boost the colors", "boost the colours", "too dull",
         "dull", "too grey", "too gray"),
        ("desaturate", "desaturated", "less saturated", "muted", "more muted", "less colorful", "less colourful",
         "washed out", "faded", "pale", "paler", "less color", "less colour", "too saturated", "too colorful",
         "tone down the colors", "tone down the colours", "tone the colors down", "tone the colours down",
         "mute the colors", "mute the colours", "less vivid",
         "too vivid", "subdued", "duller"),
        ("saturation", "vibrance", "colorfulness", "colourfulness"),
    ),
    "warmth": (
        ("warmer", "warm", "warm up", "more orange", "more yellow", "warm tone", "warm tones", "golden", "too cold",
         "too blue", "too bluish",
         "too cool", "cozier"),
        ("cooler", "cool", "cool down", "colder", "cold", "more blue", "bluer", "cool tone", "cool tones",
         "too warm", "too yellow", "too orange", "icy"),
        ("warmth", "temperature", "color temperature", "colour temperature", "white balance"),
    ),
    "blur": (
        ("blur", "blurred", "blurry", "blurrier", "bokeh", "out of focus", "defocus", "defocused", "soften",
         "softer", "soft focus", "gaussian", "depth of field", "shallow depth", "smooth", "smoother", "smoothen",
         "fuzzy", "hazy look", "denoise", "de-noise", "noise reduction", "reduce noise", "reduce the noise",
         "less noise", "remove noise", "remove the noise", "less grainy", "remove the grain", "too noisy", "noisy"),
        (),
        (),
    ),
    "sharpen": (
        ("sharpen", "sharper", "sharpened", "crisper", "crisp", "more detail", "more details", "more detailed",
         "clearer", "less blurry", "deblur", "unblur", "remove the blur", "remove blur", "too blurry", "too soft",
         "in focus", "enhance details", "sharp", "sharpness", "clarity", "crispen", "de-blur", "enhance",
         "enhance the details", "improve the quality", "higher quality", "more defined", "upscale"),
        (),
        (),
    ),
    "pixelate": (
        ("pixelate", "pixelated", "pixelize", "pixelise", "pixellate", "pixelation", "mosaic", "censor", "censored",
         "blocky", "pixel"),
        (),
        (),
    ),
}
ADJUST_ZH: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "brightness": (
        ("调亮", "变亮", "提亮", "亮一点", "亮一些", "亮些", "更亮", "太暗", "明亮", "增亮", "加亮", "亮点", "亮度高",
         "亮堂", "亮起来", "过暗", "打亮", "有点暗", "有些暗", "偏暗", "暗了", "比较暗", "太黑", "看不清", "美白", "亮",
         "调浅", "变浅", "浅一点", "浅一些", "浅些"),
        ("调暗", "变暗", "暗一点", "暗一些", "暗些", "更暗", "压暗", "太亮", "昏暗", "降暗", "暗点", "过曝", "过亮",
         "暗下来", "有点亮", "有些亮", "偏亮", "太刺眼", "暗", "调深", "变深", "深一点", "深一些", "深些"),
        ("亮度", "曝光", "明暗"),
    ),
    "contrast": (("对比强", "对比更强", "对比度高", "对比鲜明", "增强对比", "加强对比"),
                 ("对比弱", "对比度低", "降低对比"), ("对比度", "对比")),
    "saturation": (
        ("鲜艳", "艳丽", "浓郁", "色彩浓", "颜色浓", "更艳", "艳一点", "色彩更丰富", "太灰", "太淡", "鲜亮"),
        ("去饱和", "淡一点", "淡一些", "素一点", "太艳", "太鲜艳", "低饱和", "寡淡", "清淡", "褪色"),
        ("饱和度", "饱和", "色彩度"),
    ),
    "warmth": (("暖色调", "暖色", "暖一点", "更暖", "暖调", "暖和", "偏暖", "太冷", "温暖", "暖"),
               ("冷色调", "冷色", "冷一点", "更冷", "冷调", "偏冷", "太暖", "冷"), ("色温",)),
    "blur": (("降噪", "去噪", "去噪点", "噪点", "虚化", "模糊", "朦胧", "柔化", "柔焦", "景深", "磨皮", "糊一点", "糊"), (), ()),
    "sharpen": (("锐化", "清晰", "清楚", "更锐", "锐利", "去模糊", "太模糊", "太糊", "细节", "增强画质", "画质"), (), ()),
    "pixelate": (("马赛克", "打码", "像素化", "打个码", "码掉"), (), ()),
}

GRAYSCALE_EN = ("black and white", "black & white", "black-and-white", "b&w", "b/w", "grayscale", "greyscale",
                "gray scale", "grey scale", "monochrome", "monochromatic", "colorless", "colourless", "no color",
                "no colour", "remove the color", "remove the colour", "remove color", "remove colour", "without color",
                "without colour", "noir look", "desaturate completely", "fully desaturate")
GRAYSCALE_ZH = ("黑白", "灰度", "去色", "单色", "去掉颜色", "去掉色彩", "无色", "黑白照", "黑白照片")

# Chinese colour words beyond `colors.CHINESE_COLORS`; every value is a name `parse_color` knows.
EXTRA_ZH_COLORS = {
    "铂金色": "platinum", "铂金": "platinum", "亚麻": "blonde", "奶白": "cream white", "米白": "cream white",
    "象牙白": "ivory white", "奶油色": "cream", "薄荷绿": "light green", "宝蓝": "royal blue", "湖蓝": "turquoise blue",
    "孔雀蓝": "peacock blue", "玫红": "rose red", "桃红": "peach pink", "橘红": "orange red", "橘黄": "orange yellow",
    "咖啡色": "coffee brown", "巧克力色": "chocolate brown", "杏色": "peach", "军绿": "army green", "橄榄绿": "olive green",
    "土黄": "khaki yellow", "藕粉": "pink", "香槟色": "beige", "雪白": "white", "纯白": "white", "纯黑": "black", "漆黑": "black",
    "乌黑": "black", "深棕": "dark brown", "浅棕": "light brown", "茶色": "tea brown", "蓝绿": "teal blue",
    "翠绿": "emerald green", "草绿": "green", "嫩绿": "light green", "深绿": "dark green", "淡蓝": "light blue",
    "淡紫": "lavender purple", "浅紫": "lavender purple", "薰衣草紫": "lavender purple", "深紫": "dark purple",
    "金黄": "golden yellow", "柠檬黄": "yellow", "鹅黄": "yellow", "珊瑚色": "coral", "青绿": "teal green", "靛蓝": "indigo blue",
    "彩虹色": "rainbow", "粉紫": "lavender purple", "蜜桃色": "peach", "橙红": "orange red", "大红": "red", "朱红": "red",
    "碧绿": "emerald green", "墨绿色": "dark green", "奶奶灰": "gray", "雾霾蓝": "light blue", "牛油果绿": "avocado green",
    "焦糖色": "caramel brown", "焦糖": "caramel brown", "芥末黄": "mustard yellow", "芥末绿": "mustard green",
    "玫瑰金": "rose gold", "香槟金": "champagne gold", "象牙色": "ivory white", "炭灰": "charcoal gray", "深灰色": "dark gray",
    "浅灰色": "light gray", "藏蓝": "navy", "宝石蓝": "royal blue", "克莱因蓝": "royal blue", "湖绿": "turquoise green",
    "松石绿": "turquoise green", "姜黄": "mustard yellow", "土色": "brown", "肉色": "beige", "裸色": "beige",
    "驼色": "camel brown",
}
# Shade words before a Chinese colour ("浅灰", "深蓝色"): the light/dark English name when there is one.
ZH_SHADES = {"浅": "light", "淡": "light", "深": "dark", "暗": "dark", "亮": "", "鲜": "", "纯": "", "正": ""}

# Direction words for neutral parameter names.
UP_EN = ("increase", "raise", "boost", "more", "higher", "up", "add", "enhance", "bump", "crank", "stronger", "max",
         "maximize", "amplify", "heighten", "improve", "pump")
DOWN_EN = ("decrease", "reduce", "lower", "less", "down", "cut", "weaker", "minimize", "drop", "tone down",
           "turn down", "diminish", "soften", "lessen", "decrease")
UP_ZH = ("提高", "增加", "调高", "加大", "增大", "增强", "加强", "拉高", "提升", "调大", "高一点", "大一点", "多一点", "加")
DOWN_ZH = ("降低", "减少", "调低", "减小", "减弱", "拉低", "低一点", "小一点", "少一点", "降", "减", "弱")

# Blur words that mean a light touch (noise reduction).
GENTLE_BLUR = {"denoise", "de-noise", "noise reduction", "reduce noise", "reduce the noise", "less noise", "remove noise",
               "remove the noise", "less grainy", "remove the grain", "too noisy", "noisy", "降噪", "去噪", "去噪点", "噪点",
               "磨皮", "smooth", "smoother", "smoothen", "soften", "softer"}

# Amount modifiers: factor applied to the default amount.
AMOUNT_EN: dict[str, float] = {
    "a tiny bit": 0.35, "a little bit": 0.5, "a tad": 0.5, "a touch": 0.5, "a bit": 0.5, "a little": 0.5,
    "slightly": 0.5, "somewhat": 0.6, "a smidge": 0.4, "subtly": 0.5, "subtle": 0.5, "gently": 0.5, "lightly": 0.5,
    "barely": 0.35, "mildly": 0.5, "a hint": 0.4, "marginally": 0.4,
    "much": 2.0, "a lot": 2.0, "lots": 2.0, "very": 2.0, "really": 1.7, "way": 2.0, "significantly": 2.0,
    "considerably": 2.0, "greatly": 2.0, "strongly": 2.0, "heavily": 2.2, "far": 2.0, "super": 2.2, "hugely": 2.5,
    "dramatically": 2.5, "extremely": 3.0, "maximum": 3.3, "max": 3.3, "completely": 3.3, "totally": 3.0,
    "as much as possible": 3.3, "drastically": 2.7, "strong": 1.8, "heavy": 2.0, "intense": 2.2, "light": 0.6,
    "even more": 1.3, "way more": 2.0, "much more": 2.0,
}
AMOUNT_ZH: dict[str, float] = {
    "稍微": 0.5, "稍稍": 0.5, "一点点": 0.35, "一点": 0.6, "一些": 0.6, "有点": 0.6, "略微": 0.5, "略": 0.5,
    "轻微": 0.5, "微微": 0.45, "些许": 0.5, "轻轻": 0.5,
    "很": 2.0, "非常": 2.3, "大幅": 2.3, "大大": 2.3, "特别": 2.3, "狠狠": 2.5, "极其": 3.0, "超级": 2.7, "强烈": 2.2,
    "彻底": 3.3, "完全": 3.3, "最大": 3.3, "最": 3.0, "十分": 2.3, "多一些": 1.3, "重度": 2.3, "大量": 2.0,
}

# --- history, references -------------------------------------------------------------------------
# (English undo/redo, remove and face-swap phrases are regexes in offline/parse.py and history.py: they need word order.)
REDO_ZH = ("重做", "恢复撤销", "取消撤销", "反撤销", "重新应用", "前进一步", "下一步", "恢复刚才撤销")
RESET_ZH = ("恢复原图", "回到原图", "还原原图", "原图", "重新开始", "全部撤销", "撤销全部", "撤销所有", "从头开始")

AGAIN_EN = ("again", "once more", "one more time", "repeat", "same again", "do it again", "do that again",
            "another time", "redo that effect", "another one", "another", "different one", "another version",
            "one more", "try again", "another try", "a different one", "reroll", "regenerate")
AGAIN_ZH = ("再来一次", "再来一遍", "再做一次", "再来", "重复", "再一次", "再次", "又一次", "同样再", "重新生成", "再生成",
            "重新来", "重来", "重新画", "换一个", "换一张", "再试一次", "再试试", "重试")
MORE_EN = ("more", "stronger", "even more", "further", "harder", "intensify", "bigger", "a bit more", "a little more",
           "not enough", "some more", "increase it", "more of that", "more please", "keep going", "go further",
           "double it", "heavier", "boost it", "crank it up", "turn it up")
LESS_EN = ("less", "weaker", "too much", "too strong", "tone it down", "subtler", "softer", "not so much", "not that much",
           "too far", "dial it back",
           "dial it down", "a bit less", "a little less", "reduce it", "scale it back", "turn it down", "milder",
           "lighter touch", "overdone", "way too much")
MORE_ZH = ("再多一点", "再强一点", "更强", "加强", "再强", "更多", "多一点", "不够", "再重一点", "再加", "加大", "更明显",
           "再明显", "强一点", "还不够", "再狠一点", "再深一点", "更深")
LESS_ZH = ("太强", "太多", "太重", "减弱", "弱一点", "少一点", "轻一点", "太过", "过头", "淡一点", "收一点", "太明显",
           "弱化", "太夸张")
ALSO_EN = ("also", "too", "as well", "same for", "same to", "same with", "same on", "do the same", "likewise",
           "the same", "same thing", "same here", "and the", "now the", "now do", "same")
ALSO_ZH = ("也", "同样", "一样", "照样", "一起", "也是", "还有")
OTHER_EN = ("the other one", "the other side", "the other person", "the other face", "the other guy",
            "the other girl", "the other man", "the other woman", "the other", "other one", "the next one", "next one",
            "other side")
OTHER_ZH = ("另一个", "另外一个", "另一边", "另一张", "另外那个", "另一位", "另外一边", "下一个", "另一只", "另外一只", "另一辆",
            "另外一辆", "另一条", "另一棵", "另一头", "另一朵", "另一块", "另外那只", "另外那辆", "另外那位")

# --- remove ---------------------------------------------------------------------------------------
REMOVE_ZH = ("去掉", "删掉", "删除", "移除", "抹掉", "擦掉", "去除", "拿掉", "清除", "消除", "抠掉", "抠除", "p掉", "P掉",
             "干掉", "弄掉", "除掉", "抹去", "擦除", "扔掉", "移走", "拿走", "删了", "消失", "不要", "去除掉",
             "清理掉", "清掉", "删去", "剔除", "隐藏", "砍掉", "砍了", "拔掉", "铲掉", "挪走", "搬走", "弄走", "赶走",
             "去了")

# --- Chinese content words -> English (for prompts) ----------------------------------------------
ZH_EN: dict[str, str] = {
    "城市": "city", "夜景": "night scene", "夜晚": "night", "晚上": "night", "夜": "night", "森林": "forest",
    "树林": "woods", "海滩": "beach", "沙滩": "sandy beach", "大海": "sea", "海边": "seaside", "海洋": "ocean",
    "海": "sea", "雪山": "snowy mountains", "山": "mountains", "星空": "starry sky", "星星": "stars", "银河": "milky way",
    "日落": "sunset", "夕阳": "sunset", "晚霞": "sunset glow", "日出": "sunrise", "月亮": "moon", "太阳": "sun",
    "彩虹": "rainbow", "草地": "meadow", "草原": "grassland", "花海": "field of flowers", "花园": "garden",
    "鲜花": "flowers", "花": "flowers", "樱花": "cherry blossoms", "沙漠": "desert", "雪": "snow", "雪花": "snowflakes",
    "雨": "rain", "云": "clouds", "白云": "white clouds", "乌云": "dark clouds", "蓝天": "blue sky", "天空": "sky",
    "帽子": "hat", "草帽": "straw hat", "眼镜": "glasses", "墨镜": "sunglasses", "太阳镜": "sunglasses",
    "胡子": "beard", "西装": "suit", "皮夹克": "leather jacket", "夹克": "jacket", "皮衣": "leather jacket",
    "外套": "coat", "裙子": "dress", "连衣裙": "dress", "婚纱": "wedding dress", "礼服": "gown", "衬衫": "shirt",
    "T恤": "t-shirt", "t恤": "t-shirt", "毛衣": "sweater", "卫衣": "hoodie", "旗袍": "qipao", "汉服": "hanfu",
    "和服": "kimono", "校服": "school uniform", "军装": "military uniform", "围巾": "scarf", "项链": "necklace",
    "耳环": "earrings", "皇冠": "crown", "王冠": "crown", "口红": "lipstick", "妆": "makeup", "纹身": "tattoo",
    "猫": "cat", "小猫": "kitten", "狗": "dog", "小狗": "puppy", "鸟": "bird", "蝴蝶": "butterfly", "马": "horse",
    "鱼": "fish", "龙": "dragon", "宇宙": "outer space", "太空": "outer space", "教室": "classroom",
    "办公室": "office", "咖啡馆": "cafe", "咖啡厅": "cafe", "街道": "street", "街": "street", "公园": "park",
    "湖": "lake", "湖泊": "lake", "河": "river", "瀑布": "waterfall", "城堡": "castle", "宫殿": "palace",
    "古镇": "ancient town", "故宫": "forbidden city", "长城": "great wall", "东京": "tokyo", "巴黎": "paris",
    "纽约": "new york", "埃菲尔铁塔": "eiffel tower", "铁塔": "tower", "建筑": "buildings", "高楼": "skyscrapers",
    "房子": "house", "木屋": "wooden cabin", "图书馆": "library", "舞台": "stage", "演唱会": "concert",
    "火焰": "flames", "火": "fire", "烟花": "fireworks", "极光": "aurora", "闪电": "lightning", "气球": "balloons",
    "热气球": "hot air balloon", "飞机": "airplane", "船": "boat", "帆船": "sailboat", "汽车": "car", "跑车": "sports car",
    "自行车": "bicycle", "摩托车": "motorcycle", "树": "tree", "大树": "big tree", "椰子树": "palm trees",
    "棕榈树": "palm trees", "竹子": "bamboo", "竹林": "bamboo forest", "荷花": "lotus", "玫瑰": "roses",
    "向日葵": "sunflowers", "薰衣草": "lavender field", "麦田": "wheat field", "田野": "fields", "乡村": "countryside",
    "农村": "countryside", "雪地": "snowfield", "冰": "ice", "冰川": "glacier", "火山": "volcano", "岩石": "rocks",
    "石头": "stones", "砖": "brick", "砖墙": "brick wall", "木头": "wood", "木质": "wooden", "木": "wood",
    "大理石": "marble", "金属": "metal", "玻璃": "glass", "皮革": "leather", "丝绸": "silk", "毛绒": "plush",
    "水": "water", "水面": "water surface", "倒影": "reflection", "雾": "fog", "霓虹灯": "neon lights",
    "霓虹": "neon", "灯光": "lights", "路灯": "street lights", "灯笼": "lanterns", "圣诞": "christmas",
    "圣诞树": "christmas tree", "节日": "festive", "婚礼": "wedding", "生日": "birthday", "蛋糕": "cake",
    "笑容": "smile", "微笑": "smiling", "笑": "smiling", "表情": "expression", "开心": "happy", "哭": "crying",
    "年轻": "younger", "年老": "older", "老": "older", "长发": "long hair", "短发": "short hair", "卷发": "curly hair",
    "直发": "straight hair", "光头": "bald", "刘海": "bangs", "马尾": "ponytail", "辫子": "braids",
    "秋天": "autumn", "冬天": "winter", "春天": "spring", "夏天": "summer", "红叶": "red maple leaves",
    "枫叶": "maple leaves", "落叶": "fallen leaves", "白天": "daytime", "黄昏": "dusk", "阳光": "sunlight",
    "海浪": "waves", "游泳池": "swimming pool", "泳池": "swimming pool", "山谷": "valley", "草坪": "lawn",
    "墙": "wall", "地板": "floor", "地毯": "rug", "窗帘": "curtains", "沙发": "sofa", "书架": "bookshelf",
    "壁画": "mural", "油画": "oil painting", "海报": "poster", "挂画": "painting", "植物": "plants", "盆栽": "potted plant",
    "绿植": "green plants", "蓝色": "blue", "红色": "red", "白色": "white", "黑色": "black", "金色": "golden",
    "纯色": "plain solid color", "白底": "plain white", "纯白": "plain white", "渐变": "gradient", "简约": "minimalist",
    "工作室": "studio", "影棚": "photo studio", "摄影棚": "photo studio", "未来": "futuristic", "科幻": "sci-fi",
    "古风": "ancient chinese", "中国风": "chinese style", "日式": "japanese style", "欧式": "european style",
    "庭院": "courtyard", "寺庙": "temple", "桥": "bridge", "码头": "pier", "港口": "harbor", "机场": "airport",
    "地铁": "subway", "车站": "station", "商场": "mall", "超市": "supermarket", "餐厅": "restaurant", "厨房": "kitchen",
    "卧室": "bedroom", "客厅": "living room", "浴室": "bathroom", "屋顶": "rooftop", "阳台": "balcony",
    "天际线": "skyline", "摩天大楼": "skyscrapers", "繁华": "bustling", "热闹": "lively", "安静": "quiet",
    "梦幻": "dreamy", "浪漫": "romantic", "可爱": "cute", "帅气": "handsome", "漂亮": "beautiful", "美丽": "beautiful",
    "独角兽": "unicorn", "恐龙": "dinosaur", "老虎": "tiger", "狮子": "lion", "熊猫": "panda", "兔子": "rabbit",
    # looks and states of a region
    "湿": "wet", "湿润": "wet", "湿漉漉": "wet", "干燥": "dry", "干枯": "dry withered", "枯": "withered",
    "长": "long", "短": "short", "卷": "curly", "卷曲": "curly", "直": "straight", "拉直": "straightened",
    "蓬松": "fluffy", "顺滑": "sleek", "高": "taller", "矮": "shorter", "变大": "bigger", "大一点": "bigger",
    "变小": "smaller", "小一点": "smaller", "胖": "heavier", "瘦": "slimmer", "新": "new", "旧": "old worn",
    "破旧": "worn out", "崭新": "brand new", "结冰": "frozen ice", "冰冻": "frozen", "融化": "melting",
    "生锈": "rusty", "锈": "rust", "发光": "glowing", "透明": "transparent", "光滑": "smooth", "粗糙": "rough",
    "干净": "clean", "脏": "dirty", "整洁": "tidy", "凌乱": "messy", "现代": "modern", "豪华": "luxurious",
    "清澈": "clear", "浑浊": "murky", "茂密": "lush", "稀疏": "sparse", "繁茂": "lush", "开花": "blooming",
    "哑光": "matte", "亮面": "glossy", "磨砂": "frosted", "晴天": "sunny sky", "阴天": "overcast sky",
    "多云": "cloudy sky", "暴风雨": "stormy", "雷雨": "thunderstorm", "蓝天白云": "blue sky with white clouds",
    "笑一下": "smiling", "惊讶": "surprised", "生气": "angry", "难过": "sad",
    # materials and patterns
    "牛仔": "denim", "牛仔布": "denim", "皮质": "leather", "真皮": "leather", "皮": "leather", "毛呢": "wool",
    "羊毛": "wool", "棉": "cotton", "针织": "knitted", "格子": "plaid", "条纹": "striped", "碎花": "floral",
    "花的": "floral", "花纹": "pattern", "图案": "pattern", "豹纹": "leopard print", "迷彩": "camouflage",
    "波点": "polka dot", "石板路": "stone paved road", "石板": "stone slab", "鹅卵石": "cobblestone",
    "柏油": "asphalt", "沥青": "asphalt", "木地板": "wooden floor", "瓷砖": "tiles", "地砖": "floor tiles",
    "木纹": "wood grain", "玻璃幕墙": "glass curtain wall", "落地窗": "floor-to-ceiling window",
    # clothes and hair
    "短裤": "shorts", "长裤": "long pants", "牛仔裤": "jeans", "裤子": "pants", "短裙": "short skirt",
    "半身裙": "skirt", "长裙": "long dress", "西裤": "trousers", "运动服": "sportswear", "睡衣": "pajamas",
    "泳衣": "swimsuit", "比基尼": "bikini", "羽绒服": "down jacket", "风衣": "trench coat", "大衣": "overcoat",
    "领带": "tie", "运动鞋": "sneakers", "高跟鞋": "high heels", "靴子": "boots", "鞋子": "shoes", "鞋": "shoes",
    "连帽衫": "hoodie", "背心": "tank top", "马甲": "vest", "旗袍裙": "qipao dress", "礼帽": "top hat",
    "发型": "hairstyle", "头发": "hair", "秀发": "hair", "黑长直": "long straight black hair",
    "大波浪": "big wavy curls", "丸子头": "bun hairstyle", "寸头": "buzz cut", "平头": "crew cut",
    "发髻": "hair bun", "美女": "beautiful woman", "帅哥": "handsome man", "莫西干头": "mohawk", "莫西干": "mohawk",
    "脏辫": "dreadlocks", "爆炸头": "afro", "锡纸烫": "curly perm", "羊毛卷": "tight curly perm", "波浪卷": "wavy curls",
    "大背头": "slicked back hair", "齐刘海": "blunt bangs", "狼尾": "wolf cut", "鲻鱼头": "mullet", "油头": "slicked hair",
    "繁星": "stars", "满天繁星": "a sky full of stars", "满天": "all over the sky",
    # animals
    "柯基": "corgi", "哈士奇": "husky", "金毛": "golden retriever", "泰迪": "teddy poodle", "柴犬": "shiba inu",
    "拉布拉多": "labrador", "边牧": "border collie", "橘猫": "orange tabby cat", "布偶猫": "ragdoll cat",
    "英短": "british shorthair cat", "狸花猫": "tabby cat", "暹罗猫": "siamese cat", "黑猫": "black cat",
    "白猫": "white cat", "幅画": "painting", "一幅画": "a painting",
    "天鹅": "swan", "鸭子": "ducks", "鸽子": "pigeons", "老鹰": "eagle", "海鸥": "seagulls", "企鹅": "penguin",
    "海豚": "dolphin", "鲸鱼": "whale", "鲨鱼": "shark", "乌龟": "turtle", "蛇": "snake", "青蛙": "frog", "狐狸": "fox",
    "狼": "wolf", "鹿": "deer", "松鼠": "squirrel", "猴子": "monkey", "骆驼": "camel", "孔雀": "peacock",
    "火烈鸟": "flamingo", "小鸡": "chick", "猪": "pig", "岩浆": "lava", "熔岩": "lava", "汉堡": "burger",
    "咖啡": "coffee", "一杯咖啡": "a cup of coffee", "茶": "tea", "花瓶": "vase", "一瓶花": "a vase of flowers",
    "蜡烛": "candles", "吉他": "guitar", "钢琴": "piano", "风车": "windmill", "灯塔": "lighthouse", "篝火": "campfire",
    "烟雾": "smoke", "泡泡": "bubbles", "萤火虫": "fireflies", "雪人": "snowman", "南瓜": "pumpkin",
    "圣诞帽": "santa hat", "兔耳朵": "bunny ears", "猫耳": "cat ears", "翅膀": "wings", "天使翅膀": "angel wings",
    "光环": "halo", "面具": "mask", "口罩": "face mask", "手表": "watch", "手镯": "bracelet", "戒指": "ring",
    "发卡": "hair clip", "蝴蝶结": "bow", "花环": "flower crown", "花冠": "flower crown", "头纱": "veil",
    "耳机": "headphones", "披风": "cape", "盔甲": "armor", "燕尾服": "tuxedo", "西服": "suit", "雨衣": "raincoat",
    "白衬衫": "white shirt", "格子衬衫": "plaid shirt", "布艺": "fabric",
    "布艺沙发": "fabric sofa", "皮沙发": "leather sofa", "丛林": "jungle", "热带雨林": "rainforest", "小溪": "creek",
    "溪流": "stream", "池塘": "pond", "稻田": "rice paddies", "梯田": "rice terraces", "油菜花": "rapeseed flowers",
    "郁金香": "tulips", "梅花": "plum blossoms", "桃花": "peach blossoms", "荷叶": "lotus leaves", "银杏": "ginkgo",
    "枫树": "maple tree", "柳树": "willow", "松树": "pine trees", "仙人掌": "cactus", "冰山": "iceberg",
    "海岛": "island", "小岛": "island", "悬崖": "cliff", "峡谷": "canyon", "洞穴": "cave", "星云": "nebula",
    "行星": "planet", "火星": "mars", "夜空": "night sky", "流星": "shooting star", "朝霞": "morning glow",
    "龙卷风": "tornado", "游乐园": "amusement park", "摩天轮": "ferris wheel", "西湖": "west lake", "外滩": "the bund",
    "北京": "beijing", "上海": "shanghai", "香港": "hong kong", "伦敦": "london", "罗马": "rome", "威尼斯": "venice",
    "冰岛": "iceland", "马尔代夫": "maldives", "富士山": "mount fuji", "金字塔": "pyramids", "阿尔卑斯": "alps",
    "红屋顶": "red roof", "卡通头像": "cartoon avatar", "头像": "portrait avatar", "雀斑": "freckles",
    "痣": "beauty mark", "酒窝": "dimples", "精灵": "elf", "仙女": "fairy", "公主": "princess", "王子": "prince",
    "吸血鬼": "vampire", "僵尸": "zombie", "机器人": "robot", "超人": "superhero", "超级英雄": "superhero",
    "美人鱼": "mermaid", "天使": "angel", "魔女": "witch", "女巫": "witch", "巫师": "wizard", "海盗": "pirate",
    "忍者": "ninja", "武士": "samurai", "骑士": "knight", "宇航员": "astronaut", "警察": "police officer",
    "医生": "doctor", "小丑": "clown", "一层雪": "a layer of snow",
    # food
    "寿司": "sushi", "薯条": "fries", "面条": "noodles", "米饭": "rice", "饺子": "dumplings", "牛排": "steak",
    "沙拉": "salad", "冰淇淋": "ice cream", "水果": "fruit", "一盘水果": "a plate of fruit", "葡萄": "grapes",
    "西瓜": "watermelon", "草莓": "strawberries", "柠檬": "lemon", "面包": "bread", "奶茶": "milk tea",
    "啤酒": "beer", "红酒": "red wine", "果汁": "juice", "甜点": "dessert", "月饼": "mooncake",
    # more things people ask for
    "石子路": "gravel path", "石子": "pebbles", "碎石路": "gravel path", "斑点狗": "dalmatian", "斑点": "spotted",
    "派对帽": "party hat", "生日帽": "birthday hat", "棒球帽": "baseball cap", "鸭舌帽": "cap", "渔夫帽": "bucket hat",
    "贝雷帽": "beret", "牛仔帽": "cowboy hat", "毛线帽": "beanie", "派对": "party", "不锈钢": "stainless steel",
    "绿灯": "green light", "红灯": "red light", "一盆绿植": "a potted green plant",
    "盆": "pot", "长靴": "tall boots", "凉鞋": "sandals", "拖鞋": "slippers", "帆布鞋": "canvas shoes",
    "八十年代": "80s", "九十年代": "90s", "复古感": "retro vintage",
}

# Colours that name hair when 发 follows them ("红发", "一头银发"); values are names `parse_color` knows.
ZH_HAIR_SHADES = {
    "红": "red", "金": "blonde", "银": "silver", "白": "white", "黑": "black", "棕": "brown", "褐": "brown",
    "紫": "purple", "粉": "pink", "蓝": "blue", "绿": "green", "灰": "gray", "橙": "orange", "黄": "yellow",
    "酒红": "burgundy", "栗": "chestnut", "亚麻": "blonde", "银灰": "silver", "银白": "silver",
    "铂金": "platinum", "浅金": "blonde", "深棕": "dark brown", "浅棕": "light brown", "橘": "orange", "奶奶灰": "gray",
}

# Chinese fillers that carry no content (stripped before deciding whether anything is left).
ZH_FILLERS = ("一点点", "一点", "一些", "一下", "有点", "稍微", "稍稍", "更加", "更", "再", "很", "非常", "特别", "的",
              "颜色", "色彩", "色", "吧", "了", "呢", "啊", "呀", "哦", "嘛", "点", "些", "成", "得", "地", "一个", "个",
              "它", "让", "使", "变", "给", "请", "帮我", "我", "要", "想", "能", "可以", "把", "将", "调", "弄", "搞",
              "整体", "一样", "那样", "这样", "效果", "风格", "画风", "风", "滤镜", "看起来", "像", "感觉", "感", "一种",
              "好", "都", "也", "和", "与", "及", "还有", "并且", "而且", "然后")
# Measure words ("一头银发" is not a head): fillers, and blockers for the words inside them.
ZH_MEASURES = ("一头", "一顶", "一副", "一件", "一条", "一双", "一只", "一辆", "一张", "一幅", "一片", "一朵", "一棵",
               "一艘", "一座", "一道", "一身", "一套", "一层")

# English fillers (removed before deciding whether a "to ..." part holds new content or only a colour).
EN_FILLERS = {
    "a", "an", "the", "some", "and", "or", "but", "more", "less", "bit", "little", "lot", "color", "colour",
    "colored", "coloured", "shade", "tone", "tint", "hue", "one", "please", "instead", "too", "very", "really",
    "slightly", "much", "clear", "nice", "nicer", "pretty", "bright", "deep", "rich", "vivid", "pale", "pastel",
    "dark", "light", "like", "look", "looks", "it", "its", "it's", "so", "that", "this", "be", "is", "are", "to",
    "of", "with", "all", "entirely", "completely", "fully", "now", "just", "kind", "sort", "ish", "solid", "plain",
    "i", "want", "would", "could", "can", "you", "make", "color.", "colour.", "again", "also", "as", "well",
    "way", "even", "paint", "painted", "dyed", "dye", "version", "totally", "super", "kinda",
    "nicely", "beautiful", "beautifully", "gorgeous", "lovely", "cool", "soft", "strong", "intense", "matte",
    "glossy", "shiny", "metallic",
}

# Materials: "make the table wooden" is better regenerated than recoloured.
MATERIALS_EN: dict[str, str] = {
    "wooden": "wood", "wood": "wood", "marble": "marble", "metal": "metal", "metallic": "metal",
    "steel": "steel", "stone": "stone", "brick": "brick", "leather": "leather", "concrete": "concrete", "velvet": "velvet", "denim": "denim", "silk": "silk",
    "plastic": "plastic", "chrome": "chrome", "bamboo": "bamboo", "wicker": "wicker", "granite": "granite",
}
MATERIALS_ZH: dict[str, str] = {
    "木质": "wood", "木头": "wood", "实木": "wood", "木": "wood", "大理石": "marble", "玻璃": "glass", "金属": "metal",
    "不锈钢": "steel", "石头": "stone", "石质": "stone", "砖": "brick", "皮革": "leather", "真皮": "leather", "黄金": "gold",
    "混凝土": "concrete", "水泥": "concrete", "丝绒": "velvet", "牛仔": "denim", "丝绸": "silk", "塑料": "plastic",
    "竹": "bamboo", "冰": "ice", "水晶": "crystal", "皮质": "leather", "牛仔布": "denim", "毛呢": "wool",
}
# Colours that only make sense on hair ("make her blonde").
HAIR_COLORS = {"blonde", "blond", "platinum", "platinum blonde", "auburn", "ginger", "brunette", "chestnut"}
# People named by their hair ("make her a redhead") -> the colour.
HAIR_COLOR_NOUNS = {"redhead": "red", "redheads": "red", "brunette": "brunette", "brunettes": "brunette",
                    "blondie": "blonde", "blondes": "blonde", "brunet": "brunette"}

# Chinese label names for replies.
LABEL_ZH: dict[str, str] = {
    "hair": "头发", "face": "脸", "skin": "皮肤", "eyes": "眼睛", "lips": "嘴唇", "clothes": "衣服",
    "upper_clothes": "上衣", "lower_clothes": "裤子", "background": "背景", "sky": "天空", "person": "人物",
    "car": "车", "tree": "树", "building": "建筑", "house": "房子", "road": "路", "grass": "草地", "water": "水面",
    "table": "桌子", "wall": "墙", "floor": "地板", "chair": "椅子", "sea": "大海", "mountain": "山", "dog": "狗",
    "cat": "猫", "horse": "马", "bird": "鸟", "flower": "花", "sofa": "沙发", "bed": "床", "window": "窗户",
    "door": "门", "fence": "栅栏", "hat": "帽子", "dress": "裙子", "coat": "外套", "pants": "裤子", "shoes": "鞋子",
    "neck": "脖子", "nose": "鼻子", "ears": "耳朵", "cup": "杯子", "lamp": "灯", "plant": "植物", "boat": "船",
    "river": "河", "lake": "湖", "sand": "沙滩", "snow": "雪", "rock": "石头", "bicycle": "自行车", "bus": "公交车",
    "truck": "卡车", "ceiling": "天花板", "bench": "长椅", "bottle": "瓶子", "umbrella": "伞", "bag": "包",
}

# --- typos (English) ------------------------------------------------------------------------------
# Words a mistyped word may be corrected into, besides the things' words and colour names.
TYPO_TARGETS_EN = (
    "remove", "erase", "delete", "change", "replace", "make", "turn", "paint", "color", "colour", "recolor", "blur",
    "brighten", "darken", "sharpen", "pixelate", "swap", "switch", "convert", "transform", "please", "could", "would",
    "background", "picture", "photo", "image", "increase", "decrease", "reduce", "contrast", "saturation",
    "brightness", "warmer", "cooler", "brighter", "darker", "blurry", "style", "painting", "watercolor", "cartoon",
    "anime", "sketch", "lighter", "instead", "want", "like", "look", "into", "with", "from", "their", "there",
)
# Short slips that the rules in `offline.typos.typo_readings` leave alone.
# Chat words no dictionary has, never "corrected" ("dont" is not "donut").
INFORMAL_EN = ("dont cant wont didnt doesnt isnt arent wasnt werent couldnt wouldnt shouldnt im ive id youre thats "
               "whats lets gonna wanna gotta kinda sorta lemme gimme pls plz thx thanx okay yeah yep nope hmm umm")
TYPOS_EN = {"teh": "the", "hte": "the", "adn": "and", "nad": "and", "taht": "that", "thsi": "this", "yuo": "you",
            "waht": "what", "jsut": "just", "bkg": "background"}
# Real English words one slip away from a word above (derived from the wamerican word list, 2020-12): never
# "corrected" ("hose" stays "hose", not "horse").
TYPO_SAFE_EN = (
    "abby able aces acts ailing aires airs alms amps ants applies aquas atone atones attired automobiled awing "
    "baath bands bang banned banns bans bard barth basing bead beads bicycled bids biked biker bikers bills blanker "
    "blankest blare blats blaze blazed bleacher bleaches blind bloat bloats blonder blonds blots bloused blower "
    "blowers blued blues blurt boars boas boast boasts bodes boggles bolder bolts bond booms boors boos boot booths "
    "bottled bowel bows boxed boxers boyd brad brads brass bride bridged bridger bronzed bronzes bros brow browse "
    "busch bushed bushy cabled cain caked came cameo cane canoed capet cards cares caret carton carts cast casts "
    "cation champagnes chang changed char chars cheep chid chile chips chocolates churls clacks click clod clods "
    "close closer closest clothe clothed cloths clotting coal coast cock colo comforted compute computed concert "
    "contract controlled cooke cooked cooled cooper coors copped cora corks corral costumed counted coupe coupled "
    "covert cradled cram crapes creak cree creel cress cringe crow crowed crows curl curs cusp cycled czars daren "
    "darth dears dearth decease decreased decreases deduce deflection deleted deletes demote deplete dirty diver "
    "dorks doses drape draped drawer dream dressed driver duet earthy ease eater eaves eddy eels emeralds emote "
    "eras erased eraser erases eroses erse eyeball fable fables faced fades fags failing fangs faxes fears feces "
    "fenced fencer fencers figured filed finger fishy fiver flack flare flats flays flock flood flooding floods "
    "flowed flurry footfall foots form forms foxes frail frees freeze frighten fringed frock frocks fromm frown "
    "fuchsias furls gable gables gangs gary gasket gaskets gasses gavel gents ghats giggles gills girds glade glads "
    "glared glassed gloat glower glowers goads goggle goggled golds goodie goofs gooks gorse grads grail grange "
    "grave grown grows gushes hades hafts hangs hans harts hates havens heard hears heaven heaves hedged heel heep "
    "heir hemet hench here hikes hips hoes holden homed homer hone hooks hoots horde hordes horsed hose hoses "
    "housed hulls humane hushes ills imaged images increased increases indio intro jean jumped ketch kited knifed "
    "lack lacks laddies lades ladles lags lams laps lass lasses late layer leach lease leave leaved legging leggins "
    "licks lighted liked liker likes lila lilacs limed limes lisp live lock locke locus loud louse lowers maker "
    "makes marion marlon maude means medal microwaved mills minty mitten mittens mitty mobil mono morse moth "
    "motorbiked motorcycled mungs noes nooks noose norse nosed oats odor odors olden oliver olives oman omen opine "
    "oral oses ouch packaged pain paining pals pane pangs pans pant panting park parks pate pats payer pease "
    "peopled peron persona pest pests phoned piazza pictured pictures piker pilate pined pint plaint plan planed "
    "plans plated plath platte played pleas pleased pleases pliant pocks poets poled polio pone poole poser posher "
    "posted preach psalm psalms ptah pulpy pupil pure puree purples pursed purser quit races racial rage raid raids "
    "rainbows rams rang ranged ranger rapes rash ravel ream rears reduced reduces reek reelection remoter removed "
    "remover removes rents replaced replaces reyes ricks rider ridge rifer righter rightness riling ringer ringers "
    "rises rivet roars roaster rods roes roods roots ross round rover rowel rowels rower rowers rows runaway sabin "
    "sable sables sacks sades sager sages sandal saves scandals scar scare scars scats scissor scone scooted scows "
    "scream sculptured sean sears sedna seep self selves shads shares sharpe shaves shelve shelved shes shies shift "
    "shirr shit shoed shone shops shore shores short shots shove showed shows shrug shrugs sidewall sing sips sires "
    "sketchy skids skied skiers skit skits slack slink sliver sneaker snips snorts soggy soli solver soon sorts "
    "sower spectacle spoil stag staged stags stair stare stars state states stature statures status statuses stave "
    "steep stine stirs stol stoned stoner stoners stoop strange streak strove stye styled styles surrounding "
    "swearer swords tabled tail tailing tales tape taster tens tenth tenths thee thrash three threes tills toads "
    "toasted toggles toiler tool toot toothy towed trailing tran trashy travel treed trent tress trial trick "
    "trouser trowel trowels troys tuck turquoises tyree urls veiling vets vouch wades wafer wager wages wails walks "
    "wallis waning warmed warms warner waster wave waved wavers wears weaves whips whit whites whits widow widows "
    "wired wireds witch woken woods wooed word woulds writhing yellows "
)
